/**
 * ML-DSA in X.509 (RFC 9881): SubjectPublicKeyInfo and AlgorithmIdentifier encodings, pure
 * ML-DSA signatures with the empty context over certificates, CSRs and CRLs, and external mu
 * (FIPS 204 §6.2) for large TBS. Every signature made here with @noble/post-quantum is also
 * verified by PQClean (a second, independent implementation with its own DER reading, @pki/testing).
 */
import { randomBytes } from 'node:crypto';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { certificateSpki, mlDsaPublicKeyOf, pqcleanVerifiesMlDsa, pqcleanVerifiesSigned } from '@pki/testing';
import {
  buildCertificate,
  buildCsr,
  CrlBuilder,
  assembleCrl,
  describePublicKey,
  encodeName,
  keyIdentifierFromSpki,
  mlDsaMuHasher,
  mlDsaSpki,
  parseCertificate,
  parseCsr,
  readMlDsaSpki,
  signatureAlgorithmIdentifier,
  signingAlgorithmFromOid,
  signingAlgorithmMatchesKey,
  signingDigestHasher,
  verifyCertificateSignature,
  verifyCsrSignature,
  verifyMlDsa,
  verifyMlDsaMu,
  verifySignature,
  type MlDsaAlgorithm,
} from './index';

const IMPL = { ML_DSA_44: ml_dsa44, ML_DSA_65: ml_dsa65, ML_DSA_87: ml_dsa87 } as const;
const LEVELS: [MlDsaAlgorithm, string, number, number][] = [
  ['ML_DSA_44', '2.16.840.1.101.3.4.3.17', 1312, 2420],
  ['ML_DSA_65', '2.16.840.1.101.3.4.3.18', 1952, 3309],
  ['ML_DSA_87', '2.16.840.1.101.3.4.3.19', 2592, 4627],
];

function keyPair(algorithm: MlDsaAlgorithm) {
  const { publicKey, secretKey } = IMPL[algorithm].keygen(randomBytes(32));
  return { spki: mlDsaSpki(algorithm, publicKey), publicKey, sign: async (data: Uint8Array) => IMPL[algorithm].sign(data, secretKey), secretKey };
}

describe.each(LEVELS)('%s (RFC 9881)', (algorithm, dottedOid, pkOctets, sigOctets) => {
  const key = keyPair(algorithm);

  it('encodes the SubjectPublicKeyInfo as the OID without parameters and the raw pk', () => {
    const oidDer = Buffer.from([0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, Number(dottedOid.split('.').pop())]);
    expect(signatureAlgorithmIdentifier(algorithm)).toEqual(Buffer.concat([Buffer.from([0x30, 0x0b]), oidDer]));
    // SEQUENCE { SEQUENCE { OID }, BIT STRING { 00 || pk } }: the IETF examples' 22-octet header for these sizes.
    const spki = Buffer.from(key.spki);
    expect(spki.subarray(4, 17)).toEqual(Buffer.concat([Buffer.from([0x30, 0x0b]), oidDer]));
    expect(spki.subarray(spki.length - pkOctets)).toEqual(Buffer.from(key.publicKey));
    expect(spki[spki.length - pkOctets - 1]).toBe(0); // no unused bits
    expect(describePublicKey(spki)).toMatchObject({ keyType: 'ml-dsa', keyAlgorithm: algorithm, algorithmOid: dottedOid });
    expect(readMlDsaSpki(spki).algorithm).toBe(algorithm);
    expect(mlDsaPublicKeyOf(spki)).toEqual({ scheme: algorithm.toLowerCase().replace(/_/g, '-'), publicKey: new Uint8Array(key.publicKey) });
    expect(signingAlgorithmFromOid(dottedOid)).toBe(algorithm);
  });

  it('refuses parameters, a wrong pk length and unused bits', () => {
    const withNull = Buffer.from(key.spki);
    const params = Buffer.concat([Buffer.from([0x30, 0x0d]), withNull.subarray(6, 17), Buffer.from([0x05, 0x00])]);
    const bad = Buffer.concat([withNull.subarray(0, 4), params, withNull.subarray(17)]);
    bad.writeUInt16BE(bad.length - 4, 2);
    expect(() => describePublicKey(bad)).toThrow(/must not have parameters/);
    expect(() => mlDsaSpki(algorithm, key.publicKey.subarray(1))).toThrow(/octets/);
  });

  it('signs pure ML-DSA with the empty context: PQClean verifies, a changed message fails', async () => {
    const message = Buffer.from('to be signed');
    const signature = await key.sign(message);
    expect(signature.length).toBe(sigOctets);
    expect(verifyMlDsa(algorithm, key.spki, message, signature)).toBe(true);
    expect(verifySignature(algorithm, key.spki, message, signature)).toBe(true);
    await expect(pqcleanVerifiesMlDsa(key.spki, message, signature)).resolves.toBe(true);
    await expect(pqcleanVerifiesMlDsa(key.spki, Buffer.from('to be signeD'), signature)).resolves.toBe(false);
    // A non-empty context is another signature (FIPS 204 Algorithm 2's M'): the profile's empty context matters.
    const withContext = IMPL[algorithm].sign(message, key.secretKey, { context: Buffer.from('x') });
    await expect(pqcleanVerifiesMlDsa(key.spki, message, withContext)).resolves.toBe(false);
  });

  it('external mu (FIPS 204 §6.2) from the public key alone gives a signature PQClean verifies as pure ML-DSA', async () => {
    const message = randomBytes(100_000);
    const mu = mlDsaMuHasher(key.spki).update(message.subarray(0, 5)).update(message.subarray(5)).digest();
    expect(signingDigestHasher(algorithm, key.spki).update(message).digest()).toEqual(mu);
    const signature = IMPL[algorithm].internal.sign(mu, key.secretKey, { externalMu: true });
    await expect(pqcleanVerifiesMlDsa(key.spki, message, signature)).resolves.toBe(true);
    expect(verifyMlDsaMu(algorithm, key.spki, mu, signature)).toBe(true);
    expect(verifyMlDsaMu(algorithm, key.spki, Buffer.alloc(64), signature)).toBe(false);
  });

  it('a certificate, a CSR and a CRL signed with it verify in the library and in PQClean', async () => {
    const name = encodeName({ CommonName: `${algorithm} root` });
    const { der: certificate } = await buildCertificate({
      serial: 1n,
      signingAlgorithm: algorithm,
      issuerDer: name,
      notBefore: new Date('2026-01-01T00:00:00Z'),
      notAfter: new Date('2036-01-01T00:00:00Z'),
      subjectDer: name,
      publicKeySpki: key.spki,
      extensions: [],
      sign: key.sign,
    });
    const parsed = parseCertificate(certificate);
    expect(verifyCertificateSignature(parsed, key.spki)).toBe(true);
    expect(Buffer.from(certificateSpki(certificate))).toEqual(Buffer.from(key.spki));
    await expect(pqcleanVerifiesSigned(certificate, key.spki)).resolves.toEqual({ scheme: expect.stringContaining('ml-dsa'), valid: true });

    const csr = await buildCsr({ subject: { CommonName: 'pq' }, publicKeySpki: key.spki, signingAlgorithm: algorithm, sign: key.sign });
    const parsedCsr = parseCsr(csr);
    expect(parsedCsr).toMatchObject({ keyType: 'ml-dsa', keyAlgorithm: algorithm, signingAlgorithm: algorithm });
    expect(verifyCsrSignature(parsedCsr)).toBe(true);
    await expect(pqcleanVerifiesSigned(csr, key.spki)).resolves.toMatchObject({ valid: true });

    const built = await new CrlBuilder({
      issuerDer: name,
      signingAlgorithm: algorithm,
      thisUpdate: new Date('2026-01-01T00:00:00Z'),
      nextUpdate: new Date('2026-01-08T00:00:00Z'),
      crlNumber: 7n,
      authorityKeyIdentifier: keyIdentifierFromSpki(key.spki),
      entries: [{ serial: Buffer.from([1, 2, 3]), revocationDate: new Date('2026-01-01T00:00:00Z'), reason: 'KEY_COMPROMISE' }],
    }).build();
    const mu = signingDigestHasher(algorithm, key.spki);
    for (const chunk of built.tbsChunks) mu.update(chunk);
    const crl = assembleCrl(built, algorithm, IMPL[algorithm].internal.sign(mu.digest(), key.secretKey, { externalMu: true }));
    await expect(pqcleanVerifiesSigned(crl, key.spki)).resolves.toMatchObject({ valid: true });
  });
});

describe('ML-DSA key and signing algorithm pairing (AWS: the key signs with its own parameter set)', () => {
  it('pairs ML_DSA_65 with ML_DSA_65 only', () => {
    expect(signingAlgorithmMatchesKey('ML_DSA_65', 'ML_DSA_65')).toBe(true);
    expect(signingAlgorithmMatchesKey('ML_DSA_65', 'ML_DSA_44')).toBe(false);
    expect(signingAlgorithmMatchesKey('ML_DSA_65', 'SHA256WITHECDSA')).toBe(false);
    expect(signingAlgorithmMatchesKey('EC_prime256v1', 'ML_DSA_65')).toBe(false);
    expect(signingAlgorithmMatchesKey('RSA_2048', 'ML_DSA_87')).toBe(false);
  });

  it('a CSR whose signature algorithm is another parameter set than its key is refused', async () => {
    const k44 = keyPair('ML_DSA_44');
    const csr = await buildCsr({ subject: { CommonName: 'x' }, publicKeySpki: k44.spki, signingAlgorithm: 'ML_DSA_65', sign: k44.sign });
    expect(() => parseCsr(csr)).toThrow('ML_DSA_65 does not match the request\'s ML_DSA_44 key');
  });
});
