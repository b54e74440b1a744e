/**
 * IssueCertificate refuses CSRs whose key is weak although the CSR itself is well formed and
 * correctly signed by that key (proof of possession holds): a modulus of two close primes
 * (Fermat-factorable, CVE-2022-26320) and a modulus with a small prime factor. The keys are real
 * RSA keys built from their primes, so the CSRs are signed by the matching private keys.
 * Nothing is persisted; a CSR built the same way around a sound key is issued.
 */
import { checkPrimeSync, createPrivateKey, generateKeyPairSync, generatePrimeSync, sign, type KeyObject } from 'node:crypto';
import { IssueCertificateCommand } from '@aws-sdk/client-acm-pca';
import { buildCsr, der, derOid, toPem } from '@pki/pki';
import { activeRootCa, issueCertificate, pcaClient } from './fixtures/acm-pca';
import { countRows } from './fixtures/db';
import { errorOf } from './fixtures/errors';
import { softwareKeysEnv, startStack, type RunningStack } from './stack';

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

describe('IssueCertificate refuses weak keys (real SDK, running stack)', () => {
  let stack: RunningStack;
  let caArn: string;
  const client = () => pcaClient(stack.endpoint);
  const countCertificates = () => countRows(stack.db, 'issuance', 'certificates');
  const countEvents = () => countRows(stack.db, 'issuance', 'events');

  beforeAll(async () => {
    stack = await startStack(softwareKeysEnv());
    // An ACTIVE root as in issuance.e2e-spec.ts: it signs its own certificate from its own CSR, which is then imported.
    caArn = (await activeRootCa(client(), { subject: { Country: 'US', Organization: 'Example Corp', CommonName: 'Weak Keys Root' }, validity: { Type: 'YEARS', Value: 5 } })).arn;
  }, 240_000);
  afterAll(async () => {
    await stack?.stop();
  });

  it('a sound RSA key in a CSR built the same way is issued (the construction itself is accepted)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const csr = await csrPem({ privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }) }, 'sound.example.com');
    const { certificate } = await issueCertificate(client(), { CertificateAuthorityArn: caArn, Csr: csr, SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 1 } });
    expect(certificate).toMatch(/BEGIN CERTIFICATE/);
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
