/**
 * One way to check a signature this platform made (or a CSR's) with the signer's
 * SubjectPublicKeyInfo, whatever the algorithm: node:crypto for RSA PKCS #1 v1.5 and ECDSA,
 * @noble/post-quantum for ML-DSA (Node.js 20's OpenSSL 3.0 cannot read ML-DSA keys).
 */
import { createHash, verify, type Hash } from 'node:crypto';
import { isMlDsaAlgorithm, type SigningAlgorithm } from '@pki/contracts';
import { hashOf } from './algorithms';
import { mlDsaMuHasher, verifyMlDsa } from './ml-dsa';
import { publicKeyFromSpki } from './public-key';

/** Whether `signature` over `data` verifies under `spki` with `algorithm`. Never throws. */
export function verifySignature(algorithm: SigningAlgorithm, spki: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean {
  if (isMlDsaAlgorithm(algorithm)) return verifyMlDsa(algorithm, spki, data, signature);
  try {
    return verify(hashOf(algorithm), data, { key: publicKeyFromSpki(spki), dsaEncoding: 'der' }, signature);
  } catch {
    return false;
  }
}

/**
 * The streaming digest a digest signer (KeyCustody.signDigest) takes for `algorithm`: the
 * algorithm's hash for RSA and ECDSA, mu (FIPS 204 external mu, ml-dsa.ts) for ML-DSA, which
 * needs the signer's public key.
 */
export function signingDigestHasher(algorithm: SigningAlgorithm, signerSpki: Uint8Array): Hash {
  return isMlDsaAlgorithm(algorithm) ? mlDsaMuHasher(signerSpki) : createHash(hashOf(algorithm));
}
