/**
 * Post-quantum CAs (issue 17): ML-DSA (FIPS 204) root and subordinate CAs through the real
 * `@aws-sdk/client-acm-pca` client on the software key backend, following the IETF X.509 profile
 * (RFC 9881). An ML_DSA_65 root makes its CSR, signs its own certificate (RootCACertificate/V1)
 * and imports it; an ML_DSA_65 subordinate is issued by it (SubordinateCACertificate_PathLen0/V1)
 * and imported with its chain; the subordinate certifies EC P-256, RSA 2048 and ML-DSA-44
 * subject keys; a revocation is published in a CRL and answered by OCSP, both ML-DSA-signed;
 * every key use is audited and an audit report is made; an EC P-256 root certifies an ML_DSA_87
 * subordinate (families mix across a chain). ML_DSA_44 and ML_DSA_87 roots get a shorter run. AWS pairs an ML-DSA key with the signing algorithm of its own parameter set: any
 * other is InvalidArgsException.
 *
 * OpenSSL 3.0 on this machine cannot verify ML-DSA, so every ML-DSA signature the platform makes
 * here (CSRs, certificates, the CRL, the OCSP response) is verified by PQClean (`pqclean`, a
 * second implementation sharing no code with @noble/post-quantum, reading the DER itself:
 * @pki/testing ml-dsa-independent.ts). OpenSSL still parses every artifact (-text), and checks
 * what it can: the EC and RSA subject keys.
 *
 * The pinned SDK's TypeScript enums predate ML_DSA_*: the strings are cast; the SDK sends them as they are.
 */
import { createHash, randomBytes, X509Certificate } from 'node:crypto';
import {
  CreateCertificateAuthorityAuditReportCommand,
  CreateCertificateAuthorityCommand,
  DescribeCertificateAuthorityAuditReportCommand,
  DescribeCertificateAuthorityCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  RevokeCertificateCommand,
  waitUntilAuditReportCreated,
  type ACMPCAClient,
  type KeyAlgorithm,
  type SigningAlgorithm,
} from '@aws-sdk/client-acm-pca';
import { ml_dsa44 } from '@noble/post-quantum/ml-dsa.js';
import { buildCsr, der, derReader, fromPem, mlDsaSpki, toPem } from '@pki/pki';
import { basicOcspResponseOf, certificateSpki, mlDsaPublicKeyOf, pqcleanVerifiesSigned, waitFor } from '@pki/testing';
import { activeRootCa, bytes, caInput, createCaWithCsr, issueCertificate, pcaClient, template } from './fixtures/acm-pca';
import { countRows } from './fixtures/db';
import { errorOf } from './fixtures/errors';
import { OpensslDir } from './fixtures/openssl';
import { bodyIfOk, crlEntry, crlUrlIn } from './fixtures/revocation';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

const PUBLIC_URL = 'http://pki.ml-dsa-e2e.test';
const BUCKET = 'e2e-ml-dsa-crls';
const AUDIT_BUCKET = 'e2e-ml-dsa-audit';

const derOf = (pem: string): Uint8Array => fromPem(pem, ['CERTIFICATE', 'CERTIFICATE REQUEST']);

/** PQClean verifies `pem` (a certificate or CSR) under `issuerSpki` with ML-DSA `scheme`. */
async function expectPqcleanValid(pem: string, issuerSpki: Uint8Array, scheme: string): Promise<void> {
  await expect(pqcleanVerifiesSigned(derOf(pem), issuerSpki)).resolves.toEqual({ scheme, valid: true });
}

/** The SubjectPublicKeyInfo of a CSR (CertificationRequestInfo field 3). */
function csrSpki(csrPem: string): Uint8Array {
  const [info] = derReader.children(derReader.readWhole(derOf(csrPem), 'CertificationRequest', 0x30), 'CertificationRequest');
  return derReader.whole(derReader.children(info!, 'CertificationRequestInfo')[2]!);
}

const sha1 = (b: Uint8Array): Buffer => createHash('sha1').update(b).digest();

/** An OCSP request (RFC 6960 §4.1.1) for one certificate of `issuerPem`, its CertID with SHA-1 as RFC 5019 §2.1.1 asks. */
function ocspRequest(issuerPem: string, serialHex: string): Buffer {
  const tbs = derReader.children(derReader.readWhole(derOf(issuerPem), 'Certificate', 0x30), 'Certificate')[0]!;
  const fields = derReader.children(tbs, 'TBSCertificate');
  const subject = derReader.whole(fields[5]!);
  const key = derReader.readBitString(derReader.children(fields[6]!, 'SubjectPublicKeyInfo')[1]!, 'subjectPublicKey').bytes;
  const sha1Id = der.sequence(der.tlv(0x06, Buffer.from('2b0e03021a', 'hex')), der.nullValue());
  const certId = der.sequence(sha1Id, der.octetString(sha1(subject)), der.octetString(sha1(key)), der.unsignedInteger(Buffer.from(serialHex, 'hex')));
  // OCSPRequest { TBSRequest { requestList SEQUENCE OF Request { CertID } } }
  return der.sequence(der.sequence(der.sequence(der.sequence(certId))));
}

describe('ML-DSA CAs (FIPS 204, RFC 9881) on the software key backend, every signature verified by PQClean', () => {
  let stack: RunningStack;
  let pki: OpensslDir;
  const client = (): ACMPCAClient => pcaClient(stack.endpoint);

  const root: { arn: string; certificate: string; spki: Uint8Array } = { arn: '', certificate: '', spki: new Uint8Array() };
  const sub: { arn: string; certificate: string; spki: Uint8Array } = { arn: '', certificate: '', spki: new Uint8Array() };
  const leaves: Record<string, { serial: string; certificate: string }> = {};

  beforeAll(async () => {
    stack = await startStack({ ...softwareKeysEnv(), PKI_PUBLIC_URL: PUBLIC_URL, PKI_CRL_DELAY_MS: '1000', PKI_CRL_POLL_MS: '200' });
    pki = new OpensslDir('ml-dsa');
  }, 180_000);
  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
  });

  it('creates an ML_DSA_65 root: its CSR and self-issued RootCACertificate verify under its key in PQClean; it becomes ACTIVE', async () => {
    const pca = client();
    const made = await activeRootCa(pca, {
      keyAlgorithm: 'ML_DSA_65' as KeyAlgorithm,
      signingAlgorithm: 'ML_DSA_65' as SigningAlgorithm,
      subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'ML-DSA-65 Root' },
      validity: { Type: 'YEARS', Value: 10 },
    });
    root.arn = made.arn;
    root.certificate = made.certificate;
    root.spki = certificateSpki(derOf(made.certificate));
    expect(mlDsaPublicKeyOf(root.spki)).toMatchObject({ scheme: 'ml-dsa-65' });
    expect(Buffer.from(csrSpki(made.csr))).toEqual(Buffer.from(root.spki));
    await expectPqcleanValid(made.csr, root.spki, 'ml-dsa-65');
    await expectPqcleanValid(made.certificate, root.spki, 'ml-dsa-65');

    pki.write('root.pem', made.certificate);
    const text = pki.text('root.pem');
    expect(text).toMatch(/Signature Algorithm: 2\.16\.840\.1\.101\.3\.4\.3\.18/);
    expect(text).toMatch(/Public Key Algorithm: 2\.16\.840\.1\.101\.3\.4\.3\.18/);
    expect(text).toMatch(/Basic Constraints: critical\s*\n\s*CA:TRUE/);
    expect(text).toMatch(/Key Usage: critical\s*\n\s*Digital Signature, Certificate Sign, CRL Sign/);

    const { CertificateAuthority } = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: root.arn }));
    expect(CertificateAuthority).toMatchObject({ Status: 'ACTIVE', Type: 'ROOT', CertificateAuthorityConfiguration: { KeyAlgorithm: 'ML_DSA_65', SigningAlgorithm: 'ML_DSA_65' } });
    const key = (await stack.db.withSchema('ca').selectFrom('ca_keys').selectAll().where('ca_id', '=', root.arn.split('/').pop()!).executeTakeFirstOrThrow()) as Record<string, unknown>;
    expect(key).toMatchObject({ backend: 'software', key_algorithm: 'ML_DSA_65' });
  }, 180_000);

  it('issues and imports an ML_DSA_65 subordinate CA (SubordinateCACertificate_PathLen0) with CRLs and OCSP', async () => {
    const pca = client();
    const ca = await createCaWithCsr(pca, {
      type: 'SUBORDINATE',
      keyAlgorithm: 'ML_DSA_65' as KeyAlgorithm,
      signingAlgorithm: 'ML_DSA_65' as SigningAlgorithm,
      subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'ML-DSA-65 Issuing CA' },
      revocation: { CrlConfiguration: { Enabled: true, S3BucketName: BUCKET, ExpirationInDays: 7 }, OcspConfiguration: { Enabled: true } },
    });
    sub.arn = ca.arn;
    sub.spki = csrSpki(ca.csr);
    await expectPqcleanValid(ca.csr, sub.spki, 'ml-dsa-65');

    const issued = await issueCertificate(pca, {
      CertificateAuthorityArn: root.arn,
      Csr: bytes(ca.csr),
      SigningAlgorithm: 'ML_DSA_65' as SigningAlgorithm,
      TemplateArn: template('SubordinateCACertificate_PathLen0'),
      Validity: { Type: 'YEARS', Value: 5 },
    });
    await expectPqcleanValid(issued.certificate, root.spki, 'ml-dsa-65');
    expect(Buffer.from(certificateSpki(derOf(issued.certificate)))).toEqual(Buffer.from(sub.spki));
    await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: sub.arn, Certificate: bytes(issued.certificate), CertificateChain: bytes(root.certificate) }));
    sub.certificate = issued.certificate;
    pki.write('sub.pem', issued.certificate);
    expect(pki.text('sub.pem')).toMatch(/Basic Constraints: critical\s*\n\s*CA:TRUE, pathlen:0/);
    const { CertificateAuthority } = await pca.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: sub.arn }));
    expect(CertificateAuthority).toMatchObject({ Status: 'ACTIVE', Type: 'SUBORDINATE' });
  }, 180_000);

  it('certifies EC P-256, RSA 2048 and ML-DSA-44 subject keys: PQClean verifies each certificate under the subordinate key', async () => {
    const pca = client();
    const mlDsaLeaf = ml_dsa44.keygen(randomBytes(32));
    const mlDsaLeafSpki = mlDsaSpki('ML_DSA_44', mlDsaLeaf.publicKey);
    const csrs: Record<string, string> = {
      ec: pki.csr('ec-leaf', '/CN=ec.pq.example.com', { newKey: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'] }),
      rsa: pki.csr('rsa-leaf', '/CN=rsa.pq.example.com', { newKey: ['-newkey', 'rsa:2048'] }),
      mldsa: toPem(await buildCsr({ subject: { CommonName: 'mldsa.pq.example.com' }, publicKeySpki: mlDsaLeafSpki, signingAlgorithm: 'ML_DSA_44', sign: async (tbs) => ml_dsa44.sign(tbs, mlDsaLeaf.secretKey) }), 'CERTIFICATE REQUEST'),
    };
    for (const [kind, csr] of Object.entries(csrs)) {
      // The CA's revocation configuration reaches issuance-service through events: wait for the CDP.
      const leaf = await waitFor(
        async () => {
          const got = await issueCertificate(pca, { CertificateAuthorityArn: sub.arn, Csr: bytes(csr), SigningAlgorithm: 'ML_DSA_65' as SigningAlgorithm, Validity: { Type: 'DAYS', Value: 30 } });
          pki.write(`${kind}.pem`, got.certificate);
          return /CRL Distribution Points/.test(pki.text(`${kind}.pem`)) && got;
        },
        { timeoutMs: 30_000, what: `the ${kind} certificate with revocation URLs` },
      );
      leaves[kind] = leaf;
      await expectPqcleanValid(leaf.certificate, sub.spki, 'ml-dsa-65');
      expect(leaf.chain).toContain(root.certificate.trim().split('\n')[1]);
      const text = pki.text(`${kind}.pem`);
      expect(text).toMatch(/Signature Algorithm: 2\.16\.840\.1\.101\.3\.4\.3\.18/);
      expect(text).toContain(`OCSP - URI:${PUBLIC_URL}/ocsp`);
    }
    expect(pki.text('ec.pem')).toMatch(/Public Key Algorithm: id-ecPublicKey[\s\S]*NIST CURVE: P-256/);
    expect(pki.text('rsa.pem')).toMatch(/Public Key Algorithm: rsaEncryption\s+Public-Key: \(2048 bit\)/);
    const mldsa = pki.text('mldsa.pem');
    expect(mldsa).toMatch(/Public Key Algorithm: 2\.16\.840\.1\.101\.3\.4\.3\.17/);
    // RFC 9881 §5: an ML-DSA key is for signatures only; keyEncipherment never (AWS's template lists it).
    expect(mldsa).toMatch(/Key Usage: critical\s*\n\s*Digital Signature\s*\n/);
    expect(Buffer.from(certificateSpki(derOf(leaves.mldsa!.certificate)))).toEqual(Buffer.from(mlDsaLeafSpki));
  }, 180_000);

  it('refuses a signing algorithm other than the CA key parameter set, writing nothing', async () => {
    const pca = client();
    const before = await countRows(stack.db, 'issuance', 'certificates');
    for (const SigningAlgorithm of ['ML_DSA_44', 'ML_DSA_87', 'SHA256WITHECDSA', 'SHA256WITHRSA']) {
      const error = await errorOf(
        pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: sub.arn, Csr: bytes(pki.read('ec-leaf.csr')), SigningAlgorithm: SigningAlgorithm as SigningAlgorithm, Validity: { Type: 'DAYS', Value: 30 } })),
      );
      expect(error.name).toBe('InvalidArgsException');
      expect(error.message).toBe(`SigningAlgorithm ${SigningAlgorithm} does not match the CA's ML_DSA_65 key; use ML_DSA_65`);
    }
    expect(await countRows(stack.db, 'issuance', 'certificates')).toBe(before);
    for (const [KeyAlgorithm, SigningAlgorithm] of [
      ['ML_DSA_65', 'ML_DSA_44'],
      ['ML_DSA_44', 'SHA256WITHECDSA'],
      ['EC_prime256v1', 'ML_DSA_65'],
    ]) {
      const input = caInput({ keyAlgorithm: KeyAlgorithm as KeyAlgorithm, signingAlgorithm: SigningAlgorithm as SigningAlgorithm, subject: { CommonName: 'Mismatch' } });
      const error = await errorOf(pca.send(new CreateCertificateAuthorityCommand(input)));
      expect(error.name).toBe('InvalidArgsException');
      expect(error.message).toBe(`The signing algorithm ${SigningAlgorithm} cannot be used with the key algorithm ${KeyAlgorithm}.`);
    }
  }, 60_000);

  it('revokes a certificate: the ML-DSA-signed CRL lists it and PQClean verifies it; OCSP answers revoked in an ML-DSA-signed response', async () => {
    const pca = client();
    const revoked = leaves.ec!;
    await pca.send(new RevokeCertificateCommand({ CertificateAuthorityArn: sub.arn, CertificateSerial: revoked.serial, RevocationReason: 'KEY_COMPROMISE' }));
    const serialText = pki.serial('ec.pem');
    // The CertID serial as the certificate has it (openssl's hex: whole octets).
    const serialHex = (name: string): string => {
      const hex = pki.serial(name);
      return hex.length % 2 ? `0${hex}` : hex;
    };

    const crlPath = crlUrlIn(pki.text('ec.pem')).slice(PUBLIC_URL.length);
    let text = '';
    const crl = await waitFor(
      async () => {
        const body = await bodyIfOk(`${stack.endpoint}${crlPath}`);
        if (!body) return false;
        pki.write('sub.crl', body);
        text = pki.run('crl', '-inform', 'DER', '-in', 'sub.crl', '-noout', '-text');
        return text.includes(`Serial Number: ${serialText}`) && body;
      },
      { timeoutMs: 30_000, what: 'the CRL listing the revoked certificate' },
    );
    expect(text).toMatch(crlEntry(serialText));
    expect(text).toMatch(/Signature Algorithm: 2\.16\.840\.1\.101\.3\.4\.3\.18/);
    await expect(pqcleanVerifiesSigned(crl, sub.spki)).resolves.toEqual({ scheme: 'ml-dsa-65', valid: true });
    // The independent check discriminates: one changed octet of the TBS (in the thisUpdate time) fails it.
    const tampered = Buffer.from(crl);
    tampered[tampered.indexOf(Buffer.from('Z'), 40) - 1] ^= 0x01;
    await expect(pqcleanVerifiesSigned(tampered, sub.spki)).resolves.toEqual({ scheme: 'ml-dsa-65', valid: false });
    await expect(pqcleanVerifiesSigned(crl, root.spki)).resolves.toEqual({ scheme: 'ml-dsa-65', valid: false });

    const ask = async (serialHex: string): Promise<Buffer> => {
      const response = await fetch(`${stack.endpoint}/ocsp`, { method: 'POST', headers: { 'Content-Type': 'application/ocsp-request' }, body: ocspRequest(sub.certificate, serialHex) });
      expect(response.status).toBe(200);
      return Buffer.from(await response.arrayBuffer());
    };
    const answer = await waitFor(
      async () => {
        const body = await ask(serialHex('ec.pem'));
        pki.write('revoked.ocsp', body);
        return /Cert Status: revoked/.test(pki.run('ocsp', '-respin', 'revoked.ocsp', '-resp_text', '-noverify')) && body;
      },
      { timeoutMs: 30_000, what: 'OCSP to answer revoked' },
    );
    const answerText = pki.run('ocsp', '-respin', 'revoked.ocsp', '-resp_text', '-noverify');
    expect(answerText).toMatch(/Signature Algorithm: 2\.16\.840\.1\.101\.3\.4\.3\.18/);
    expect(answerText).toMatch(/Revocation Reason: keyCompromise/);
    await expect(pqcleanVerifiesSigned(basicOcspResponseOf(answer), sub.spki)).resolves.toEqual({ scheme: 'ml-dsa-65', valid: true });

    const good = await waitFor(
      async () => {
        const body = await ask(serialHex('rsa.pem'));
        pki.write('good.ocsp', body);
        return /Cert Status: good/.test(pki.run('ocsp', '-respin', 'good.ocsp', '-resp_text', '-noverify')) && body;
      },
      { timeoutMs: 30_000, what: 'OCSP to answer good' },
    );
    await expect(pqcleanVerifiesSigned(basicOcspResponseOf(good), sub.spki)).resolves.toEqual({ scheme: 'ml-dsa-65', valid: true });
  }, 120_000);

  it('audits every use of the subordinate key with ML_DSA_65 and makes an audit report', async () => {
    const pca = client();
    const subId = sub.arn.split('/').pop()!;
    const expected = ['CSR', 'CERTIFICATE', 'CRL', 'OCSP'];
    const uses = await waitFor(
      async () => {
        const rows = (await stack.db.withSchema('ca').selectFrom('events').select('data').where('stream', '=', `ca-key-usage-${subId}`).where('type', '=', 'CaKeyUsed').execute()).map(
          (row) => row.data as { purpose: string; signingAlgorithm: string; digest: string; input: string },
        );
        return expected.every((p) => rows.some((u) => u.purpose === p)) && rows;
      },
      { timeoutMs: 30_000, what: 'the key-use records of every signature' },
    );
    for (const use of uses) {
      expect(use.signingAlgorithm).toBe('ML_DSA_65');
      expect(use.digest).toMatch(/^[0-9a-f]{128}$/); // mu, 64 octets (FIPS 204 external mu)
    }
    expect(uses.find((u) => u.purpose === 'CRL')).toMatchObject({ input: 'DIGEST' });

    const created = await pca.send(new CreateCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: sub.arn, S3BucketName: AUDIT_BUCKET, AuditReportResponseFormat: 'JSON' }));
    await waitUntilAuditReportCreated({ client: pca, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: sub.arn, AuditReportId: created.AuditReportId });
    const described = await pca.send(new DescribeCertificateAuthorityAuditReportCommand({ CertificateAuthorityArn: sub.arn, AuditReportId: created.AuditReportId }));
    expect(described).toMatchObject({ AuditReportStatus: 'SUCCESS', S3Key: created.S3Key });
    // The report lists what ca-service projected: the three certificates, one of them revoked.
    const rows = (await stack.db.withSchema('ca').selectFrom('audit_records').selectAll().where('certificate_authority_id', '=', subId).execute()) as Array<Record<string, unknown>>;
    expect(rows.filter((r) => r.issued_at !== null)).toHaveLength(3);
    expect(rows.filter((r) => r.revoked_at !== null)).toHaveLength(1);
  }, 120_000);

  it('mixes families: an EC P-256 root certifies an ML_DSA_87 subordinate (SHA256WITHECDSA), which imports and issues with ML_DSA_87', async () => {
    const pca = client();
    const ecRoot = await activeRootCa(pca, { keyAlgorithm: 'EC_prime256v1', subject: { CommonName: 'EC Root over ML-DSA' }, validity: { Type: 'YEARS', Value: 5 } });
    const ca = await createCaWithCsr(pca, { type: 'SUBORDINATE', keyAlgorithm: 'ML_DSA_87' as KeyAlgorithm, signingAlgorithm: 'ML_DSA_87' as SigningAlgorithm, subject: { CommonName: 'ML-DSA-87 under EC' } });
    const subSpki = csrSpki(ca.csr);
    const issued = await issueCertificate(pca, { CertificateAuthorityArn: ecRoot.arn, Csr: bytes(ca.csr), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: template('SubordinateCACertificate_PathLen0'), Validity: { Type: 'YEARS', Value: 2 } });
    // OpenSSL (node:crypto) checks the EC signature over a certificate whose subject key it cannot
    // read (`openssl verify` cannot: it builds the chain through that key).
    expect(new X509Certificate(issued.certificate).verify(new X509Certificate(ecRoot.certificate).publicKey)).toBe(true);
    expect(Buffer.from(certificateSpki(derOf(issued.certificate)))).toEqual(Buffer.from(subSpki));
    await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: ca.arn, Certificate: bytes(issued.certificate), CertificateChain: bytes(ecRoot.certificate) }));
    const leaf = await issueCertificate(pca, { CertificateAuthorityArn: ca.arn, Csr: bytes(pki.read('rsa-leaf.csr')), SigningAlgorithm: 'ML_DSA_87' as SigningAlgorithm, Validity: { Type: 'DAYS', Value: 7 } });
    await expectPqcleanValid(leaf.certificate, subSpki, 'ml-dsa-87');
  }, 120_000);

  it.each([
    ['ML_DSA_44', 'ml-dsa-44', '17'],
    ['ML_DSA_87', 'ml-dsa-87', '19'],
  ])('creates an %s root through the API; PQClean verifies its CSR and self-issued certificate', async (algorithm, scheme, arc) => {
    const made = await activeRootCa(client(), {
      keyAlgorithm: algorithm as KeyAlgorithm,
      signingAlgorithm: algorithm as SigningAlgorithm,
      subject: { CommonName: `${algorithm} Root` },
      validity: { Type: 'YEARS', Value: 5 },
    });
    const spki = certificateSpki(derOf(made.certificate));
    expect(mlDsaPublicKeyOf(spki).scheme).toBe(scheme);
    await expectPqcleanValid(made.csr, spki, scheme);
    await expectPqcleanValid(made.certificate, spki, scheme);
    pki.write(`${algorithm}.pem`, made.certificate);
    expect(pki.text(`${algorithm}.pem`)).toMatch(new RegExp(`Signature Algorithm: 2\\.16\\.840\\.1\\.101\\.3\\.4\\.3\\.${arc}`));
  }, 180_000);
});
