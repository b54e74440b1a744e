/**
 * ML-DSA (FIPS 204) CA keys of the software backend, made and used with @noble/post-quantum
 * (audited, pure TypeScript; Node.js 20's crypto and OpenSSL 3.0 have no ML-DSA).
 *
 * The private key is kept as RFC 9881 §6's seed form: a PKCS #8 OneAsymmetricKey whose
 * privateKey is `ML-DSA-PrivateKey ::= CHOICE { seed [0] OCTET STRING (SIZE (32)), ... }`, the
 * 32-octet xi of FIPS 204 Algorithm 1 from which ML-DSA.KeyGen_internal derives the key pair.
 * It is sealed like any other PKCS #8 key (envelope-encryption.ts).
 *
 * Signatures are hedged pure ML-DSA (FIPS 204 Algorithm 2, fresh rnd) with the empty context
 * (RFC 9881 §3). `signMu` signs a mu computed by the caller (external mu, FIPS 204 §6.2;
 * @pki/pki ml-dsa.ts mlDsaMuHasher), which is the same signature as over the whole message.
 */
import { randomBytes } from 'node:crypto';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { ML_DSA_MU_OCTETS, mlDsaSpki, type MlDsaAlgorithm } from '@pki/pki';

const IMPL: Record<MlDsaAlgorithm, typeof ml_dsa65> = { ML_DSA_44: ml_dsa44, ML_DSA_65: ml_dsa65, ML_DSA_87: ml_dsa87 };

/** id-ml-dsa-44/65/87 end in .17/.18/.19 (2.16.840.1.101.3.4.3.x, RFC 9881 §2). */
const OID_LAST_ARC: Record<MlDsaAlgorithm, number> = { ML_DSA_44: 0x11, ML_DSA_65: 0x12, ML_DSA_87: 0x13 };

const SEED_OCTETS = 32;

/**
 * DER of OneAsymmetricKey (RFC 5958) { version 0, AlgorithmIdentifier { id-ml-dsa-xx }, privateKey
 * OCTET STRING { [0] IMPLICIT seed } } up to the seed. Its size is fixed, so the whole encoding is
 * this prefix and the 32 seed octets (RFC 9881 Appendix C shows the same bytes).
 */
function pkcs8Prefix(algorithm: MlDsaAlgorithm): Buffer {
  return Buffer.from([
    0x30, 0x34, // SEQUENCE, 52 octets
    0x02, 0x01, 0x00, // version v1(0)
    0x30, 0x0b, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, OID_LAST_ARC[algorithm], // AlgorithmIdentifier, no parameters
    0x04, 0x22, // privateKey OCTET STRING, 34 octets
    0x80, 0x20, // seed [0] IMPLICIT OCTET STRING, 32 octets
  ]);
}

export interface MlDsaKey {
  readonly algorithm: MlDsaAlgorithm;
  readonly secretKey: Uint8Array;
  readonly publicKey: Uint8Array;
}

/** A new key pair: its SubjectPublicKeyInfo and the PKCS #8 seed form to seal (the caller zeroes it). */
export function generateMlDsaKey(algorithm: MlDsaAlgorithm): { key: MlDsaKey; publicKeySpki: Buffer; pkcs8: Buffer } {
  const seed = randomBytes(SEED_OCTETS);
  try {
    const { publicKey, secretKey } = IMPL[algorithm].keygen(seed);
    return { key: { algorithm, secretKey, publicKey }, publicKeySpki: mlDsaSpki(algorithm, publicKey), pkcs8: Buffer.concat([pkcs8Prefix(algorithm), seed]) };
  } finally {
    seed.fill(0);
  }
}

/** The ML-DSA parameter set of a PKCS #8 key, or undefined when it is not an ML-DSA seed-form key. */
export function mlDsaAlgorithmOfPkcs8(pkcs8: Uint8Array): MlDsaAlgorithm | undefined {
  if (pkcs8.length !== 22 + SEED_OCTETS) return undefined;
  return (Object.keys(IMPL) as MlDsaAlgorithm[]).find((a) => Buffer.from(pkcs8.subarray(0, 22)).equals(pkcs8Prefix(a)));
}

/** Re-derives the key pair from its sealed PKCS #8 seed form (FIPS 204 Algorithm 6, ML-DSA.KeyGen_internal). */
export function openMlDsaKey(pkcs8: Uint8Array): MlDsaKey {
  const algorithm = mlDsaAlgorithmOfPkcs8(pkcs8);
  if (!algorithm) throw new Error('the stored key is not an ML-DSA seed-form PKCS #8 key (RFC 9881 §6)');
  const { publicKey, secretKey } = IMPL[algorithm].keygen(pkcs8.subarray(22));
  return { algorithm, secretKey, publicKey };
}

/** Pure ML-DSA over `message` with the empty context (FIPS 204 Algorithm 2, hedged). */
export function signMlDsa(key: MlDsaKey, message: Uint8Array): Uint8Array {
  return IMPL[key.algorithm].sign(message, key.secretKey);
}

/** The same signature from mu = H(H(pk, 64) || 0x00 || 0x00 || message, 64) (FIPS 204 Algorithm 7 with external mu). */
export function signMlDsaMu(key: MlDsaKey, mu: Uint8Array): Uint8Array {
  if (mu.length !== ML_DSA_MU_OCTETS) throw new Error(`mu is ${ML_DSA_MU_OCTETS} octets, got ${mu.length}`);
  return IMPL[key.algorithm].internal.sign(mu, key.secretKey, { externalMu: true });
}
