/**
 * IssueCertificate refuses CSRs whose key is weak although the CSR itself is well formed and
 * correctly signed by that key (proof of possession holds): a modulus of two close primes
 * (Fermat-factorable, CVE-2022-26320) and a modulus with a small prime factor. The keys are real
 * RSA keys built from their primes, so the CSRs are signed by the matching private keys.
 * Nothing is persisted; a CSR built the same way around a sound key is issued.
 */
import { checkPrimeSync, createPrivateKey, generateKeyPairSync, generatePrimeSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  ACMPCAClient,
  CreateCertificateAuthorityCommand,
  GetCertificateAuthorityCsrCommand,
  GetCertificateCommand,
  ImportCertificateAuthorityCertificateCommand,
  IssueCertificateCommand,
  waitUntilCertificateAuthorityCSRCreated,
  waitUntilCertificateIssued,
} from '@aws-sdk/client-acm-pca';
import { buildCsr, der, derOid, toPem } from '@pki/pki';
import { ACCOUNT_A, startStack, type RunningStack } from './stack';

const RSA_ENCRYPTION = '1.2.840.113549.1.1.1';
const E = 65537n;
const b64url = (v: bigint) => der.bigintToBytes(v).toString('base64url');
const bitLength = (n: bigint) => n.toString(2).length;

function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r, oldS, s] = [a % m, m, 1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  if (oldR !== 1n) throw new Error('not invertible');
  return ((oldS % m) + m) % m;
}

/** An RSA key pair from its two primes: the private key as JWK (RFC 7518 §6.3), the public key as our own SPKI DER. */
function rsaKeyFromPrimes(p: bigint, q: bigint): { privateKey: KeyObject; spki: Buffer } {
  const n = p * q;
  const d = modInverse(E, (p - 1n) * (q - 1n));
  const privateKey = createPrivateKey({
    key: { kty: 'RSA', n: b64url(n), e: b64url(E), d: b64url(d), p: b64url(p), q: b64url(q), dp: b64url(d % (p - 1n)), dq: b64url(d % (q - 1n)), qi: b64url(modInverse(q, p)) },
    format: 'jwk',
  });
  const spki = der.sequence(der.sequence(derOid(RSA_ENCRYPTION), der.nullValue()), der.bitString(der.sequence(der.unsignedBigInteger(n), der.unsignedBigInteger(E))));
  return { privateKey, spki };
}

function closePrimeKey() {
  for (;;) {
    const p = generatePrimeSync(1024, { bigint: true });
    let q = p + 2n;
    while (!checkPrimeSync(q)) q += 2n;
    if (bitLength(p * q) === 2048) return rsaKeyFromPrimes(p, q);
  }
}

function smallFactorKey() {
  for (let i = 0; ; i++) {
    const q = generatePrimeSync(2038 + (i % 2), { bigint: true });
    if (bitLength(751n * q) === 2048) return rsaKeyFromPrimes(751n, q);
  }
}

async function csrPem(key: { privateKey: KeyObject; spki: Uint8Array }, commonName: string): Promise<Uint8Array> {
  const csr = await buildCsr({ subject: { CommonName: commonName }, publicKeySpki: key.spki, signingAlgorithm: 'SHA256WITHRSA', sign: async (tbs) => sign('sha256', tbs, key.privateKey) });
  return new TextEncoder().encode(toPem(csr, 'CERTIFICATE REQUEST'));
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the call to fail');
}

describe('IssueCertificate refuses weak keys (real SDK, running stack)', () => {
  let stack: RunningStack;
  let caArn: string;
  const client = () => new ACMPCAClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_A, maxAttempts: 1 });
  const countCertificates = async () => Number((await stack.db.withSchema('issuance').selectFrom('certificates').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const countEvents = async () => Number((await stack.db.withSchema('issuance').selectFrom('events').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    stack = await startStack({ PKI_KEY_BACKEND: 'software', PKI_KEK: randomBytes(32).toString('base64'), PKI_CA_WORKER_INTERVAL_MS: '500' });
    // An ACTIVE root as in issuance.e2e-spec.ts: it signs its own certificate from its own CSR, which is then imported.
    const pca = client();
    const { CertificateAuthorityArn } = await pca.send(
      new CreateCertificateAuthorityCommand({
        CertificateAuthorityType: 'ROOT',
        CertificateAuthorityConfiguration: { KeyAlgorithm: 'EC_prime256v1', SigningAlgorithm: 'SHA256WITHECDSA', Subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'Weak Keys Root' } },
      }),
    );
    caArn = CertificateAuthorityArn!;
    await waitUntilCertificateAuthorityCSRCreated({ client: pca, maxWaitTime: 120, minDelay: 1, maxDelay: 3 }, { CertificateAuthorityArn: caArn });
    const { Csr } = await pca.send(new GetCertificateAuthorityCsrCommand({ CertificateAuthorityArn: caArn }));
    const { CertificateArn } = await pca.send(
      new IssueCertificateCommand({ CertificateAuthorityArn: caArn, Csr: new TextEncoder().encode(Csr!), SigningAlgorithm: 'SHA256WITHECDSA', TemplateArn: 'arn:aws:acm-pca:::template/RootCACertificate/V1', Validity: { Type: 'YEARS', Value: 5 } }),
    );
    await waitUntilCertificateIssued({ client: pca, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: caArn, CertificateArn });
    const { Certificate } = await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn }));
    await pca.send(new ImportCertificateAuthorityCertificateCommand({ CertificateAuthorityArn: caArn, Certificate: new TextEncoder().encode(Certificate!) }));
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('a sound RSA key in a CSR built the same way is issued (the construction itself is accepted)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const csr = await csrPem({ privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }) }, 'sound.example.com');
    const pca = client();
    const { CertificateArn } = await pca.send(new IssueCertificateCommand({ CertificateAuthorityArn: caArn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 } }));
    await waitUntilCertificateIssued({ client: pca, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { CertificateAuthorityArn: caArn, CertificateArn });
    expect((await pca.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn }))).Certificate).toMatch(/BEGIN CERTIFICATE/);
  }, 120_000);

  it.each([
    ['two close primes (Fermat, CVE-2022-26320)', closePrimeKey, /Fermat.*too close/],
    ['a prime factor of 751', smallFactorKey, /divisible by a prime below 752 \(751\)/],
  ])('refuses a correctly signed CSR whose RSA key has %s with MalformedCSRException; nothing is persisted', async (_what, makeKey, reason) => {
    const csr = await csrPem(makeKey(), 'weak.example.com');
    const before = { certificates: await countCertificates(), events: await countEvents() };
    const error = await errorOf(client().send(new IssueCertificateCommand({ CertificateAuthorityArn: caArn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 } })));
    expect({ name: error.name, message: error.message }).toEqual({ name: 'MalformedCSRException', message: expect.stringMatching(reason) });
    expect({ certificates: await countCertificates(), events: await countEvents() }).toEqual(before);
  }, 120_000);
});
