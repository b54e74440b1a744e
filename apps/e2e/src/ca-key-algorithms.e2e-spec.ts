/**
 * The larger CA keys of the current acm-pca model, end to end with both key backends: RSA_3072
 * and EC_secp521r1 root CAs with CRLs and OCSP are created through the real SDK, sign their own
 * certificates and end-entity certificates with every signing algorithm of their family
 * ("the specified signing algorithm family (RSA or ECDSA) must match the algorithm family of the
 * CA's private key": AWS Private CA User Guide, "Supported cryptographic algorithms"), revoke one,
 * and OpenSSL checks the certificates (`verify -x509_strict`), the CRL (`crl -verify`) and OCSP.
 * The model values the platform cannot do (SM2, SM3WITHSM2) pass validation and are refused with
 * InvalidArgsException, writing nothing; so is ML-DSA on the PKCS #11 backend (no token offers it
 * yet), and an ML-DSA signing algorithm for an RSA or EC key. ML-DSA CAs on the software backend:
 * ca-ml-dsa.e2e-spec.ts.
 *
 * The pinned SDK's TypeScript enums predate RSA_3072, EC_secp521r1, ML_DSA_*, SM2 and
 * CCPC_LEVEL_1_OR_HIGHER: the strings are cast; the SDK sends them as they are.
 */
import path from 'node:path';
import {
  CreateCertificateAuthorityCommand,
  DescribeCertificateAuthorityCommand,
  IssueCertificateCommand,
  RevokeCertificateCommand,
  type ACMPCAClient,
  type KeyAlgorithm,
  type KeyStorageSecurityStandard,
  type SigningAlgorithm,
} from '@aws-sdk/client-acm-pca';
import { createSoftHsmToken, waitFor, type SoftHsmToken } from '@pki/testing';
import { activeRootCa, bytes, caInput, pcaClient } from './fixtures/acm-pca';
import { countRows } from './fixtures/db';
import { errorOf } from './fixtures/errors';
import { OpensslDir } from './fixtures/openssl';
import { bodyIfOk, crlEntry, crlUrlIn, issueWithRevocationUrls, ocspArgs, waitForCrlListing } from './fixtures/revocation';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

const PUBLIC_URL = 'http://pki.key-algorithms-e2e.test';
const BUCKET = 'e2e-key-algorithms-crls';

interface AlgorithmCase {
  readonly keyAlgorithm: string;
  /** The CA's own SigningAlgorithm (CSR, its certificate, CRLs, OCSP). */
  readonly caSigning: string;
  /** Every SigningAlgorithm of the CA key's family, for end-entity certificates. */
  readonly family: readonly string[];
  /** Another family's algorithm, which AWS refuses for this CA key. */
  readonly otherFamily: string;
  /** `openssl req -newkey` arguments of an end-entity key of the same kind. */
  readonly leafKey: readonly string[];
  /** What `openssl x509 -text` says of the CA's public key. */
  readonly keyText: RegExp;
}

const CASES: readonly AlgorithmCase[] = [
  {
    keyAlgorithm: 'RSA_3072',
    caSigning: 'SHA384WITHRSA',
    family: ['SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA'],
    otherFamily: 'SHA384WITHECDSA',
    leafKey: ['-newkey', 'rsa:3072'],
    keyText: /Public Key Algorithm: rsaEncryption\s+Public-Key: \(3072 bit\)/,
  },
  {
    keyAlgorithm: 'EC_secp521r1',
    caSigning: 'SHA512WITHECDSA',
    family: ['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA'],
    otherFamily: 'SHA512WITHRSA',
    leafKey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-521'],
    keyText: /Public Key Algorithm: id-ecPublicKey\s+Public-Key: \(521 bit\)[\s\S]*ASN1 OID: secp521r1\s+NIST CURVE: P-521/,
  },
];

/** OpenSSL's name of each signature algorithm in `-text` output. */
const OPENSSL_SIGNATURE: Readonly<Record<string, string>> = {
  SHA256WITHRSA: 'sha256WithRSAEncryption',
  SHA384WITHRSA: 'sha384WithRSAEncryption',
  SHA512WITHRSA: 'sha512WithRSAEncryption',
  SHA256WITHECDSA: 'ecdsa-with-SHA256',
  SHA384WITHECDSA: 'ecdsa-with-SHA384',
  SHA512WITHECDSA: 'ecdsa-with-SHA512',
};

const signatureText = (algorithm: string): RegExp => new RegExp(`Signature Algorithm: ${OPENSSL_SIGNATURE[algorithm]}`);

interface Backend {
  readonly name: 'software' | 'pkcs11';
  env(): Record<string, string>;
  cleanup(): void;
}

function softwareBackend(): Backend {
  return { name: 'software', env: softwareKeysEnv, cleanup: () => undefined };
}

function softHsmBackend(): Backend {
  let token: SoftHsmToken | undefined;
  return {
    name: 'pkcs11',
    env() {
      token = createSoftHsmToken('pki-e2e-algorithms');
      return {
        PKI_KEY_BACKEND: 'pkcs11',
        PKI_PKCS11_LIBRARY: token.library,
        PKI_PKCS11_TOKEN_LABEL: token.tokenLabel,
        PKI_PKCS11_PIN: token.pin,
        SOFTHSM2_CONF: path.join(token.dir, 'softhsm2.conf'),
        PKI_CA_WORKER_INTERVAL_MS: '500',
      };
    },
    cleanup: () => token?.remove(),
  };
}

describe.each([softwareBackend(), softHsmBackend()])('RSA_3072 and EC_secp521r1 CAs with the $name key backend', (backend) => {
  let stack: RunningStack;
  const client = (): ACMPCAClient => pcaClient(stack.endpoint);
  const dirs: OpensslDir[] = [];

  beforeAll(async () => {
    stack = await startStack({ ...backend.env(), PKI_PUBLIC_URL: PUBLIC_URL, PKI_CRL_DELAY_MS: '1000', PKI_CRL_POLL_MS: '200' });
  }, 180_000);
  afterAll(async () => {
    for (const dir of dirs) dir.remove();
    await stack?.stop();
    backend.cleanup();
  });

  describe.each(CASES)('a $keyAlgorithm root CA signing with $caSigning', (c) => {
    let pki: OpensslDir;
    let arn: string;
    const caId = () => arn.split('/').pop()!;

    beforeAll(() => {
      pki = new OpensslDir(`key-algorithms-${backend.name}-${c.keyAlgorithm}`);
      dirs.push(pki);
    });

    it('is created with CRLs and OCSP, its CSR verifies with its key, it signs its own certificate and becomes ACTIVE', async () => {
      const pca = client();
      const root = await activeRootCa(pca, {
        keyAlgorithm: c.keyAlgorithm as KeyAlgorithm,
        signingAlgorithm: c.caSigning as SigningAlgorithm,
        subject: { Country: 'US', Organization: 'Example Corp', CommonName: `${c.keyAlgorithm} ${backend.name} Root` },
        revocation: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7 }, OcspConfiguration: { Enabled: true } },
        validity: { Type: 'YEARS', Value: 5 },
      });
      arn = root.arn;

      pki.write('ca.csr', root.csr);
      // `openssl req -verify` exits 0 even when the signature is bad: read what it says.
      const csr = pki.exec('req', '-in', 'ca.csr', '-noout', '-text', '-verify').output;
      expect(csr).toMatch(/verify OK/i);
      expect(csr).not.toMatch(/fail/i);
      expect(csr).toMatch(c.keyText);
      expect(csr).toMatch(signatureText(c.caSigning));

      pki.write('root.pem', root.certificate);
      const text = pki.text('root.pem');
      expect(text).toMatch(c.keyText);
      expect(text).toMatch(signatureText(c.caSigning));
      expect(text).toMatch(/Basic Constraints: critical\s*\n\s*CA:TRUE/);
      expect(pki.run('verify', '-x509_strict', '-CAfile', 'root.pem', 'root.pem')).toMatch(/root.pem: OK/);

      const { CertificateAuthority } = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: arn }));
      expect(CertificateAuthority).toMatchObject({
        Status: 'ACTIVE',
        Type: 'ROOT',
        KeyStorageSecurityStandard: 'FIPS_140_2_LEVEL_3_OR_HIGHER',
        CertificateAuthorityConfiguration: { KeyAlgorithm: c.keyAlgorithm, SigningAlgorithm: c.caSigning },
      });

      // The key lives where the backend keeps it, under the requested algorithm.
      const key = (await stack.db.withSchema('ca').selectFrom('ca_keys').selectAll().where('ca_id', '=', caId()).executeTakeFirstOrThrow()) as Record<string, unknown>;
      expect(key).toMatchObject({ backend: backend.name, key_algorithm: c.keyAlgorithm });
      if (backend.name === 'pkcs11') expect(key.ciphertext ?? null).toBeNull();
    }, 180_000);

    it('issues end-entity certificates with every signing algorithm of its family; openssl verify -x509_strict accepts each', async () => {
      const pca = client();
      const Csr = bytes(pki.csr('leaf', `/CN=leaf-${c.keyAlgorithm.toLowerCase()}.example.com`, { newKey: c.leafKey }));
      for (const [i, algorithm] of c.family.entries()) {
        const name = i === 0 ? 'revoked' : i === 1 ? 'sibling' : `leaf-${algorithm}`;
        await issueWithRevocationUrls(pca, { CertificateAuthorityArn: arn, Csr, SigningAlgorithm: algorithm as SigningAlgorithm, Validity: { Type: 'DAYS', Value: 30 } }, pki, name);
        const text = pki.text(`${name}.pem`);
        expect(text).toMatch(signatureText(algorithm));
        // The end-entity key is of the same kind and size as the CA's.
        expect(text).toMatch(c.keyText);
        expect(text).toContain(`OCSP - URI:${PUBLIC_URL}/ocsp`);
        expect(text).toContain(`URI:${PUBLIC_URL}/${BUCKET}/crl/${caId()}.crl`);
        expect(pki.run('verify', '-x509_strict', '-CAfile', 'root.pem', `${name}.pem`)).toMatch(new RegExp(`${name}.pem: OK`));
      }
    }, 180_000);

    it('refuses a signing algorithm of the other family, and the model values it cannot do, writing nothing', async () => {
      const pca = client();
      const Csr = bytes(pki.read('leaf.csr'));
      const before = await countRows(stack.db, 'issuance', 'certificates');
      const refused = async (SigningAlgorithm: string) =>
        errorOf(pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: arn, Csr, SigningAlgorithm: SigningAlgorithm as SigningAlgorithm, Validity: { Type: 'DAYS', Value: 30 } })));

      const other = await refused(c.otherFamily);
      expect(other.name).toBe('InvalidArgsException');
      expect(other.message).toBe(`SigningAlgorithm ${c.otherFamily} does not match the CA's ${c.keyAlgorithm} key; use the ${c.keyAlgorithm.startsWith('RSA') ? 'RSA' : 'ECDSA'} family`);
      const unsupported = await refused('SM3WITHSM2');
      expect(unsupported.name).toBe('InvalidArgsException');
      expect(unsupported.message).toMatch(/^SM3WITHSM2 \(.*\) is not supported by this platform/);
      const mlDsa = await refused('ML_DSA_65');
      expect(mlDsa.name).toBe('InvalidArgsException');
      expect(mlDsa.message).toBe(`SigningAlgorithm ML_DSA_65 does not match the CA's ${c.keyAlgorithm} key; use the ${c.keyAlgorithm.startsWith('RSA') ? 'RSA' : 'ECDSA'} family`);
      expect(await countRows(stack.db, 'issuance', 'certificates')).toBe(before);
    }, 60_000);

    it('revokes a certificate: the CRL (signed with the CA key) verifies and lists it; OCSP answers revoked and good', async () => {
      const pca = client();
      const serial = pki.serial('revoked.pem');
      await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: arn, CertificateSerial: serial, RevocationReason: 'KEY_COMPROMISE' }));

      const crlPath = crlUrlIn(pki.text('revoked.pem')).slice(PUBLIC_URL.length);
      const { text } = await waitForCrlListing(pki, serial, () => bodyIfOk(`${stack.endpoint}${crlPath}`));
      expect(text).toMatch(/verify OK/);
      expect(text).toMatch(crlEntry(serial));
      expect(text).toMatch(signatureText(c.caSigning));
      const revoked = pki.exec('verify', '-x509_strict', '-crl_check', '-CAfile', 'root.pem', '-CRLfile', 'root.crl.pem', 'revoked.pem');
      expect(revoked.status).not.toBe(0);
      expect(revoked.output).toMatch(/certificate revoked/);
      expect(pki.run('verify', '-x509_strict', '-crl_check', '-CAfile', 'root.pem', '-CRLfile', 'root.crl.pem', 'sibling.pem')).toMatch(/sibling.pem: OK/);

      const ocsp = (...args: string[]) => pki.run(...ocspArgs(`${stack.endpoint}/ocsp`, ...args));
      await waitFor(async () => /revoked.pem: revoked/.test(ocsp('-cert', 'revoked.pem')), { timeoutMs: 30_000, what: 'OCSP to answer revoked' });
      const answer = ocsp('-cert', 'revoked.pem', '-resp_text');
      expect(answer).toMatch(/Response verify OK/);
      expect(answer).toMatch(/revoked.pem: revoked[\s\S]*Reason: keyCompromise/);
      expect(answer).toMatch(signatureText(c.caSigning));
      const good = ocsp('-cert', 'sibling.pem');
      expect(good).toMatch(/Response verify OK/);
      expect(good).toMatch(/sibling.pem: good/);
    }, 120_000);

    it('audits every use of the key (CSR, its certificate, certificates, CRL, OCSP) and the issued and revoked certificates', async () => {
      const uses = async () =>
        (await stack.db.withSchema('ca').selectFrom('events').select('data').where('stream', '=', `ca-key-usage-${caId()}`).where('type', '=', 'CaKeyUsed').execute()).map(
          (row) => row.data as { purpose: string; signingAlgorithm: string },
        );
      const expected = [
        `CSR ${c.caSigning}`,
        `CA_CERTIFICATE ${c.caSigning}`,
        ...c.family.map((a) => `CERTIFICATE ${a}`),
        `CRL ${c.caSigning}`,
        `OCSP ${c.caSigning}`,
      ];
      const seen = await waitFor(
        async () => {
          const found = new Set((await uses()).map((u) => `${u.purpose} ${u.signingAlgorithm}`));
          return expected.every((e) => found.has(e)) && found;
        },
        { timeoutMs: 30_000, what: 'the key-use records of every signature' },
      );
      // Nothing was signed with an algorithm the CA key cannot use.
      for (const use of seen) expect(c.family).toContain(use.split(' ')[1]);

      await waitFor(
        async () => {
          const rows = (await stack.db.withSchema('ca').selectFrom('audit_records').selectAll().where('certificate_authority_id', '=', caId()).execute()) as Array<Record<string, unknown>>;
          return rows.filter((r) => r.issued_at !== null).length >= c.family.length + 1 && rows.filter((r) => r.revoked_at !== null).length === 1;
        },
        { timeoutMs: 30_000, what: 'ca-service to project the issued and revoked certificates into the audit records' },
      );
    }, 60_000);
  });

  it.each([
    ['SM2', 'SM3WITHSM2', /^SM2 \(.*\) is not supported by this platform/],
    ['EC_secp521r1', 'ML_DSA_65', /^The signing algorithm ML_DSA_65 cannot be used with the key algorithm EC_secp521r1\.$/],
    ...(backend.name === 'pkcs11'
      ? ([['ML_DSA_65', 'ML_DSA_65', /^KeyAlgorithm ML_DSA_65 \(ML-DSA, FIPS 204\) is not supported by the PKCS #11 key backend: .*PKI_KEY_BACKEND=software/]] as const)
      : []),
  ] as const)('refuses CreateCertificateAuthority with KeyAlgorithm %s / SigningAlgorithm %s (InvalidArgsException), writing nothing', async (keyAlgorithm, signingAlgorithm, message) => {
    const pca = client();
    // CA rows, keys and creation events (key-use records of earlier CAs' CRLs may still arrive: not counted).
    const written = async () => ({
      cas: await countRows(stack.db, 'ca', 'certificate_authorities'),
      keys: await countRows(stack.db, 'ca', 'ca_keys'),
      created: Number((await stack.db.withSchema('ca').selectFrom('events').select((eb) => eb.fn.countAll().as('n')).where('type', '=', 'CertificateAuthorityCreated').executeTakeFirstOrThrow()).n),
    });
    const before = await written();
    const input = caInput({
      keyAlgorithm: keyAlgorithm as KeyAlgorithm,
      signingAlgorithm: signingAlgorithm as SigningAlgorithm,
      subject: { CommonName: `${keyAlgorithm} Root` },
      revocation: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET }, OcspConfiguration: { Enabled: true } },
    });
    const error = await errorOf(pca.send(new CreateCertificateAuthorityCommand(input)));
    expect(error.name).toBe('InvalidArgsException');
    expect(error.message).toMatch(message);
    expect(await written()).toEqual(before);
  }, 60_000);

  it('records KeyStorageSecurityStandard CCPC_LEVEL_1_OR_HIGHER as given and reports it in DescribeCertificateAuthority', async () => {
    const pca = client();
    const input = caInput({ keyAlgorithm: 'EC_secp521r1' as KeyAlgorithm, signingAlgorithm: 'SHA384WITHECDSA', subject: { CommonName: 'CCPC Root' } });
    const { CertificateAuthorityArn } = await pca.send(
      new CreateCertificateAuthorityCommand({ ...input, KeyStorageSecurityStandard: 'CCPC_LEVEL_1_OR_HIGHER' as KeyStorageSecurityStandard }),
    );
    const { CertificateAuthority } = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn }));
    expect(CertificateAuthority).toMatchObject({ KeyStorageSecurityStandard: 'CCPC_LEVEL_1_OR_HIGHER', CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_secp521r1' } });
  }, 60_000);
});
