/**
 * The software backend's ML-DSA keys: RFC 9881 §6 seed-form PKCS #8, re-derived to the same key
 * pair, and signatures over data and over external mu, each verified by PQClean (independent of
 * @noble/post-quantum, which made them).
 */
import { randomBytes } from 'node:crypto';
import { pqcleanVerifiesMlDsa } from '@pki/testing';
import { mlDsaMuHasher, type MlDsaAlgorithm } from '@pki/pki';
import { generateMlDsaKey, mlDsaAlgorithmOfPkcs8, openMlDsaKey, signMlDsa, signMlDsaMu } from './ml-dsa-software-key';

describe.each(['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as MlDsaAlgorithm[])('%s software key', (algorithm) => {
  const { key, publicKeySpki, pkcs8 } = generateMlDsaKey(algorithm);

  it('is kept as the 54-octet seed-form OneAsymmetricKey of RFC 9881 §6 and opens to the same key pair', () => {
    const last = { ML_DSA_44: '11', ML_DSA_65: '12', ML_DSA_87: '13' }[algorithm];
    expect(pkcs8.length).toBe(54);
    expect(pkcs8.subarray(0, 22).toString('hex')).toBe(`3034020100300b06096086480165030403${last}04228020`);
    expect(mlDsaAlgorithmOfPkcs8(pkcs8)).toBe(algorithm);
    const opened = openMlDsaKey(pkcs8);
    expect(Buffer.from(opened.publicKey)).toEqual(Buffer.from(key.publicKey));
    expect(Buffer.from(opened.secretKey)).toEqual(Buffer.from(key.secretKey));
    expect(mlDsaAlgorithmOfPkcs8(Buffer.alloc(54))).toBeUndefined();
  });

  it('signs data and mu alike: PQClean verifies both as pure ML-DSA with the empty context', async () => {
    const data = randomBytes(5000);
    await expect(pqcleanVerifiesMlDsa(publicKeySpki, data, signMlDsa(key, data))).resolves.toBe(true);
    const mu = mlDsaMuHasher(publicKeySpki).update(data).digest();
    await expect(pqcleanVerifiesMlDsa(publicKeySpki, data, signMlDsaMu(key, mu))).resolves.toBe(true);
    expect(() => signMlDsaMu(key, mu.subarray(1))).toThrow('mu is 64 octets');
  });
});
