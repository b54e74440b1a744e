/** Test-only: software keys and sign callbacks standing in for ca-service's Signer port. */
import { constants, createHash, generateKeyPairSync, privateEncrypt, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { generateKeyPairSpec, hashOf, type KeyAlgorithm, type SigningAlgorithm } from './algorithms';
import type { SignDigestFn, SignFn } from './signing';

export interface TestKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  spki: Buffer;
}

export function testKey(algorithm: KeyAlgorithm): TestKey {
  const spec = generateKeyPairSpec(algorithm);
  const pair = spec.type === 'rsa' ? generateKeyPairSync('rsa', spec.options) : generateKeyPairSync('ec', spec.options);
  return { ...pair, spki: pair.publicKey.export({ type: 'spki', format: 'der' }) };
}

export function signer(key: TestKey, algorithm: SigningAlgorithm): SignFn {
  return async (tbs) => cryptoSign(hashOf(algorithm), tbs, key.privateKey);
}

/**
 * Signs a precomputed digest, as an HSM's CKM_RSA_PKCS or a KMS "DIGEST" call would: RSA
 * PKCS #1 v1.5 over DigestInfo (RFC 8017 §9.2). node:crypto has no ECDSA-over-digest, so EC
 * tests sign the TBS instead.
 */
export function rsaDigestSigner(key: TestKey, algorithm: SigningAlgorithm): SignDigestFn {
  const prefix: Record<string, string> = {
    sha256: '3031300d060960864801650304020105000420',
    sha384: '3041300d060960864801650304020205000430',
    sha512: '3051300d060960864801650304020305000440',
  };
  return async (digest) => {
    const digestInfo = Buffer.concat([Buffer.from(prefix[hashOf(algorithm)], 'hex'), digest]);
    return privateEncrypt({ key: key.privateKey, padding: constants.RSA_PKCS1_PADDING }, digestInfo);
  };
}

export const sha = (algorithm: SigningAlgorithm, data: Uint8Array): Buffer => createHash(hashOf(algorithm)).update(data).digest();
