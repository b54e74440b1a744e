/**
 * checkedCsr: which CSR keys IssueCertificate certifies. AWS Private CA lists RSA_2048, RSA_3072,
 * RSA_4096, EC_prime256v1, EC_secp384r1 and EC_secp521r1 ("Supported cryptographic algorithms");
 * anything else, RSA under 2048 bits, SHA-1 signatures and weak keys are MalformedCSRException.
 * Accepted keys go through the profile and a signed certificate that carries exactly that key.
 */
import { generateKeyPairSync, sign as cryptoSign, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errorOf } from '@pki/testing';
import { buildCsr, der, derOid, toPem, type SigningAlgorithm } from '@pki/pki';
import { ACCEPTED_CSR_KEYS, checkedCsr, profileFor, type IssueCertificateInput } from './certificate-request';
import { makeRootCa, NOW, openssl, opensslVerify, sign, template, TempDir, type TestCa } from './profile-test-kit.spec-helper';

const HASH: Partial<Record<SigningAlgorithm, string>> = {
  SHA256WITHECDSA: 'sha256', SHA384WITHECDSA: 'sha384', SHA512WITHECDSA: 'sha512',
  SHA256WITHRSA: 'sha256', SHA384WITHRSA: 'sha384', SHA512WITHRSA: 'sha512',
};

/** The base64 blob of a PEM CSR, as the gateway forwards IssueCertificate's Csr. */
const blob = (pem: string): string => Buffer.from(pem).toString('base64');

async function csrBlob(privateKey: KeyObject, spki: Uint8Array, signingAlgorithm: SigningAlgorithm, commonName: string): Promise<string> {
  const csr = await buildCsr({ subject: { CommonName: commonName }, publicKeySpki: spki, signingAlgorithm, sign: async (tbs) => cryptoSign(HASH[signingAlgorithm]!, tbs, privateKey) });
  return blob(toPem(csr, 'CERTIFICATE REQUEST'));
}

const dir = new TempDir();
afterAll(() => dir.remove());

/** A CSR made by the openssl CLI (for what our own encoder cannot make, such as SHA-1 signatures). */
function opensslCsr(name: string, ...args: string[]): string {
  const r = openssl('req', '-new', '-nodes', '-keyout', join(dir.path, `${name}.key`), '-out', join(dir.path, `${name}.csr`), '-subj', `/CN=${name}.example.com`, ...args);
  if (r.status !== 0) throw new Error(r.output);
  return blob(readFileSync(join(dir.path, `${name}.csr`), 'utf8'));
}

describe('checkedCsr accepts every key AWS Private CA certifies, and the certificate carries it', () => {
  let root: TestCa;
  beforeAll(async () => {
    root = await makeRootCa();
  });

  it.each([
    ['RSA_2048', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), 'SHA256WITHRSA'],
    ['RSA_3072', () => generateKeyPairSync('rsa', { modulusLength: 3072 }), 'SHA384WITHRSA'],
    ['RSA_4096', () => generateKeyPairSync('rsa', { modulusLength: 4096 }), 'SHA512WITHRSA'],
    ['EC_prime256v1', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), 'SHA256WITHECDSA'],
    ['EC_secp384r1', () => generateKeyPairSync('ec', { namedCurve: 'secp384r1' }), 'SHA384WITHECDSA'],
    ['EC_secp521r1', () => generateKeyPairSync('ec', { namedCurve: 'secp521r1' }), 'SHA512WITHECDSA'],
  ] as const)('%s', async (name, generate, signingAlgorithm) => {
    const { privateKey, publicKey } = generate();
    const spki = publicKey.export({ type: 'spki', format: 'der' });
    const csr = checkedCsr(await csrBlob(privateKey, spki, signingAlgorithm, `${name.toLowerCase()}.example.com`));
    expect(csr.keyAlgorithm).toBe(name);

    const input: IssueCertificateInput = { CertificateAuthorityArn: 'arn:aws:acm-pca:us-east-1:000000000000:certificate-authority/x', Csr: '', SigningAlgorithm: 'SHA256WITHECDSA', Validity: { Type: 'DAYS', Value: 30 } };
    const profile = profileFor(input, template('EndEntityCertificate'), csr, root.facts, NOW);
    const certificate = await sign(profile, root.key);
    const x509 = new X509Certificate(certificate);
    expect(x509.publicKey.export({ type: 'spki', format: 'der' })).toEqual(spki);
    expect(x509.checkIssued(new X509Certificate(root.der))).toBe(true);
    expect(opensslVerify(dir, root.der, certificate)).toMatchObject({ status: 0, output: expect.stringContaining('leaf.pem: OK') });
  }, 60_000);
});

describe('checkedCsr refuses with MalformedCSRException', () => {
  const malformed = (csrBlob: string, reason: RegExp) => {
    const error = errorOf(() => checkedCsr(csrBlob));
    expect({ code: error.code, message: error.message }).toEqual({ code: 'MalformedCSRException', message: expect.stringMatching(reason) });
    return error;
  };

  it('an RSA size AWS does not list, naming what is accepted', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2560 });
    const error = malformed(await csrBlob(privateKey, publicKey.export({ type: 'spki', format: 'der' }), 'SHA256WITHRSA', 'rsa2560.example.com'), /unsupported public key \(RSA 2560 bits\)/);
    expect(error.message).toContain(ACCEPTED_CSR_KEYS);
    expect(ACCEPTED_CSR_KEYS).toMatch(/2048, 3072 or 4096.*P-256.*P-384.*P-521/);
  });

  it('an EC curve AWS does not list (secp256k1)', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    malformed(await csrBlob(privateKey, publicKey.export({ type: 'spki', format: 'der' }), 'SHA256WITHECDSA', 'k256.example.com'), /unsupported public key \(EC on curve 1\.3\.132\.0\.10\); use RSA 2048/);
  });

  it('RSA under 2048 bits', () => {
    malformed(opensslCsr('rsa1024', '-newkey', 'rsa:1024'), /RSA key of 1024 bits is below the 2048-bit minimum/);
  });

  it('SHA-1 signatures, also over an accepted key', () => {
    malformed(opensslCsr('sha1-p521', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp521r1', '-sha1'), /SHA-1/);
    malformed(opensslCsr('sha1-rsa3072', '-newkey', 'rsa:3072', '-sha1'), /SHA-1/);
  });

  it('a weak key of an accepted size (a modulus with a small prime factor), before any signature check', async () => {
    // 3 * q with 2048 bits: the quality check needs no valid signature to see the factor.
    const q = (1n << 2046n) + 12345n;
    const n = 3n * q;
    expect(n.toString(2).length).toBe(2048);
    const spki = der.sequence(der.sequence(derOid('1.2.840.113549.1.1.1'), der.nullValue()), der.bitString(der.sequence(der.unsignedBigInteger(n), der.unsignedBigInteger(65537n))));
    const csr = await buildCsr({ subject: { CommonName: 'weak.example.com' }, publicKeySpki: spki, signingAlgorithm: 'SHA256WITHRSA', sign: async () => Buffer.alloc(256, 1) });
    malformed(blob(toPem(csr, 'CERTIFICATE REQUEST')), /divisible by a prime below 752 \(3\)/);
  });

  it('a P-521 CSR whose signature is not by its key', async () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'secp521r1' });
    const other = generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).privateKey;
    malformed(await csrBlob(other, publicKey.export({ type: 'spki', format: 'der' }), 'SHA512WITHECDSA', 'forged.example.com'), /bad signature/);
  });
});
