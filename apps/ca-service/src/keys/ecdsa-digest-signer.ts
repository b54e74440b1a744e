/**
 * ECDSA over a precomputed digest for the software backend (SEC 1 §4.1.3, FIPS 186-4 §6.4).
 *
 * Why this exists: node:crypto only signs messages it hashes itself (crypto.sign(null, ...)
 * hashes EC input with SHA-256), yet SignDigest must sign digests of inputs that never travel
 * whole (a CRL of a million entries). PKCS#11 tokens do this natively (CKM_ECDSA); here the
 * audited `@noble/curves` implementation does it (RFC 6979 nonces hedged with CSPRNG entropy),
 * rather than hand-written curve arithmetic. Every signature is verified before it is
 * returned (a faulty signature could otherwise leak the key).
 */
import type { KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/p256';
import { p384 } from '@noble/curves/p384';
import { p521 } from '@noble/curves/p521';
import type { KeyAlgorithm } from '@pki/contracts';

const CURVES = {
  EC_prime256v1: p256,
  EC_secp384r1: p384,
  EC_secp521r1: p521,
} as const;

type EcKeyAlgorithm = keyof typeof CURVES;

function isEc(keyAlgorithm: KeyAlgorithm): keyAlgorithm is EcKeyAlgorithm {
  return keyAlgorithm in CURVES;
}

/** Signs `digest` with an EC private key; returns DER Ecdsa-Sig-Value. */
export function signEcdsaDigest(keyAlgorithm: KeyAlgorithm, privateKey: KeyObject, digest: Uint8Array): Buffer {
  if (!isEc(keyAlgorithm)) throw new Error(`ECDSA digest signing does not support ${keyAlgorithm}`);
  const curve = CURVES[keyAlgorithm];
  const jwk = privateKey.export({ format: 'jwk' });
  if (!jwk.d) throw new Error('not an EC private key');
  const scalar = Buffer.from(jwk.d, 'base64url');
  try {
    // prehash: false — `digest` already is the hash; the curve truncates it to the order's bit length (SEC 1 §4.1.3 step 5).
    const signature = curve.sign(digest, scalar, { prehash: false, lowS: false, extraEntropy: true });
    const der = Buffer.from(signature.toDERRawBytes());
    // Verify before release against the public key (SEC 1 §4.1.4).
    const ok = curve.verify(der, digest, curve.getPublicKey(scalar), { prehash: false, lowS: false });
    if (!ok) throw new Error('ECDSA self-check failed: signature discarded');
    return der;
  } finally {
    scalar.fill(0);
  }
}
