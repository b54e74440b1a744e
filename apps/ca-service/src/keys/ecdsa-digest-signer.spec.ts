import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { signEcdsaDigest } from './ecdsa-digest-signer';

describe('signEcdsaDigest', () => {
  const data = Buffer.from('to-be-signed bytes of a large CRL');
  it.each([
    ['EC_prime256v1', 'prime256v1'],
    ['EC_secp384r1', 'secp384r1'],
    ['EC_secp521r1', 'secp521r1'],
  ] as const)('%s signatures over every hash verify with node:crypto against the original data', (keyAlgorithm, namedCurve) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve });
    for (const hash of ['sha256', 'sha384', 'sha512']) {
      const digest = createHash(hash).update(data).digest();
      const signature = signEcdsaDigest(keyAlgorithm, privateKey, digest);
      expect(signature[0]).toBe(0x30);
      expect(verify(hash, data, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
      // A different message does not verify: the signature covers this digest only.
      expect(verify(hash, Buffer.from('other'), { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(false);
    }
  });

  it('uses a fresh nonce each time', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const digest = createHash('sha256').update(data).digest();
    expect(signEcdsaDigest('EC_prime256v1', privateKey, digest).equals(signEcdsaDigest('EC_prime256v1', privateKey, digest))).toBe(false);
  });

  it('refuses non-EC key algorithms', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    expect(() => signEcdsaDigest('RSA_2048', privateKey, Buffer.alloc(32))).toThrow('does not support RSA_2048');
  });
});
