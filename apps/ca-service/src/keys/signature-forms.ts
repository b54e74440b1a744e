/**
 * Algorithm rules and signature encodings both key backends share.
 *
 * RSA: RSASSA-PKCS1-v1_5 (RFC 8017 §8.2) over a DigestInfo (RFC 8017 §9.2 note 1 lists the
 * DER prefixes used below). ECDSA: the digest is truncated to the bit length of the group
 * order (FIPS 186-4 §6.4, SEC 1 §4.1.3 step 5) and the signature is the DER
 * `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279 §2.2.3).
 */
import { DomainError, type KeyAlgorithm, type SigningAlgorithm } from '@pki/contracts';
import {
  hashOf,
  isMlDsaAlgorithm,
  isSigningAlgorithm,
  keyTypeOfKeyAlgorithm,
  keyTypeOfSigningAlgorithm,
  ML_DSA_MU_OCTETS,
  signingAlgorithmMatchesKey,
  unsupportedAlgorithmReason,
  type AlgorithmFamily,
  type HashName,
} from '@pki/pki';

export function keyTypeOf(keyAlgorithm: KeyAlgorithm): AlgorithmFamily {
  return keyTypeOfKeyAlgorithm(keyAlgorithm);
}

/**
 * Why a key backend cannot hold a `keyAlgorithm` key, as an InvalidArgsException sentence, or
 * undefined when it can. PKCS #11 defines ML-DSA only from v3.2 (CKK_ML_DSA, CKM_ML_DSA), which
 * neither SoftHSM2 nor the graphene-pk11 binding this backend uses offer: until a token does,
 * ML-DSA CAs need PKI_KEY_BACKEND=software.
 */
export function keyBackendRefusal(backend: 'software' | 'pkcs11', keyAlgorithm: KeyAlgorithm): string | undefined {
  if (backend === 'pkcs11' && isMlDsaAlgorithm(keyAlgorithm)) {
    return `KeyAlgorithm ${keyAlgorithm} (ML-DSA, FIPS 204) is not supported by the PKCS #11 key backend: the token offers no ML-DSA mechanism (PKCS #11 v3.2 CKM_ML_DSA). Run ca-service with PKI_KEY_BACKEND=software for ML-DSA CAs, or use an RSA or EC key algorithm.`;
  }
  return undefined;
}

export function checkKeyBackendSupports(backend: 'software' | 'pkcs11', keyAlgorithm: KeyAlgorithm): void {
  const refusal = keyBackendRefusal(backend, keyAlgorithm);
  if (refusal) throw new DomainError('Malformed', refusal, 'InvalidArgsException');
}

const DIGEST_LENGTH: Record<HashName, number> = { sha256: 32, sha384: 48, sha512: 64 };

const DIGEST_INFO_PREFIX: Record<HashName, Buffer> = {
  sha256: Buffer.from('3031300d060960864801650304020105000420', 'hex'),
  sha384: Buffer.from('3041300d060960864801650304020205000430', 'hex'),
  sha512: Buffer.from('3051300d060960864801650304020305000440', 'hex'),
};

/**
 * Refuses a signing algorithm that does not fit the CA key (AWS pairs RSA keys with *WITHRSA, EC
 * keys with *WITHECDSA and an ML-DSA key with its own ML_DSA_xx) and returns its hash, or
 * undefined for ML-DSA, which has none.
 */
export function checkSigningAlgorithm(certificateAuthorityId: string, keyAlgorithm: KeyAlgorithm, signingAlgorithm: SigningAlgorithm): HashName | undefined {
  if (!isSigningAlgorithm(signingAlgorithm)) {
    const reason = unsupportedAlgorithmReason(String(signingAlgorithm)) ?? `Unsupported signing algorithm ${JSON.stringify(signingAlgorithm)}.`;
    throw new DomainError('Malformed', reason, 'InvalidArgsException');
  }
  if (!signingAlgorithmMatchesKey(keyAlgorithm, signingAlgorithm)) {
    const keyType = keyTypeOf(keyAlgorithm);
    const use = keyType === 'ml-dsa' ? keyAlgorithm : `a ${keyType === 'rsa' ? '*WITHRSA' : '*WITHECDSA'} algorithm`;
    throw new DomainError('Malformed', `Signing algorithm ${signingAlgorithm} cannot be used with the ${keyAlgorithm} key of CA ${certificateAuthorityId}: use ${use}.`, 'InvalidArgsException');
  }
  return keyTypeOfSigningAlgorithm(signingAlgorithm) === 'ml-dsa' ? undefined : hashOf(signingAlgorithm);
}

/** A digest for SignDigest: the algorithm's hash, or for ML-DSA the 64-octet mu (FIPS 204 external mu). */
export function checkDigestLength(signingAlgorithm: SigningAlgorithm, digest: Uint8Array): void {
  if (isMlDsaAlgorithm(signingAlgorithm)) {
    if (digest.length !== ML_DSA_MU_OCTETS) {
      throw new DomainError('Malformed', `An ${signingAlgorithm} digest is mu (FIPS 204 external mu, SHAKE256 of H(pk) || 0x00 || 0x00 || message): ${ML_DSA_MU_OCTETS} octets, got ${digest.length}.`, 'InvalidArgsException');
    }
    return;
  }
  const hash = hashOf(signingAlgorithm);
  if (digest.length !== DIGEST_LENGTH[hash]) {
    throw new DomainError('Malformed', `A ${hash.toUpperCase()} digest for ${signingAlgorithm} is ${DIGEST_LENGTH[hash]} octets, got ${digest.length}.`, 'InvalidArgsException');
  }
}

/** DER DigestInfo (RFC 8017 §9.2) that RSA PKCS #1 v1.5 signs for a precomputed digest. */
export function digestInfo(hash: HashName, digest: Uint8Array): Buffer {
  return Buffer.concat([DIGEST_INFO_PREFIX[hash], digest]);
}

/** Bit length of the curve's group order n (SEC 2 §2.4.2, §2.5.1, §2.6.1). */
const EC_ORDER_BITS: Partial<Record<KeyAlgorithm, number>> = { EC_prime256v1: 256, EC_secp384r1: 384, EC_secp521r1: 521 };

function ecOrderBits(keyAlgorithm: KeyAlgorithm): number {
  const bits = EC_ORDER_BITS[keyAlgorithm];
  if (bits === undefined) throw new Error(`${keyAlgorithm} is not an EC key algorithm`);
  return bits;
}

/** Octet length of the curve's group order (P-256: 32, P-384: 48, P-521: 66). */
export function ecOrderOctets(keyAlgorithm: KeyAlgorithm): number {
  return Math.ceil(ecOrderBits(keyAlgorithm) / 8);
}

/**
 * FIPS 186-4 §6.4: the leftmost min(N, outlen) bits of the digest, N the order's bit length.
 * P-256 and P-384 orders are whole octets, so that is a prefix; P-521's order (521 bits) is
 * longer than any digest checkDigestLength admits (SHA-512: 512 bits), so nothing is cut.
 */
export function truncateDigestForEcdsa(keyAlgorithm: KeyAlgorithm, digest: Uint8Array): Uint8Array {
  const bits = ecOrderBits(keyAlgorithm);
  if (digest.length * 8 <= bits) return digest;
  if (bits % 8 !== 0) throw new Error(`a ${digest.length}-octet digest is longer than the ${bits}-bit order of ${keyAlgorithm}`);
  return digest.subarray(0, bits / 8);
}

function derLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  if (length < 0x100) return Buffer.from([0x81, length]);
  return Buffer.from([0x82, length >> 8, length & 0xff]);
}

function derUnsignedInteger(bytes: Uint8Array): Buffer {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  const trimmed = Buffer.from(bytes.subarray(start));
  const body = trimmed[0] & 0x80 ? Buffer.concat([Buffer.from([0]), trimmed]) : trimmed;
  return Buffer.concat([Buffer.from([0x02]), derLength(body.length), body]);
}

/** PKCS #11 CKM_ECDSA returns r || s (each the order's length); X.509 wants Ecdsa-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) throw new Error(`raw ECDSA signature has odd length ${raw.length}`);
  const half = raw.length / 2;
  const body = Buffer.concat([derUnsignedInteger(raw.subarray(0, half)), derUnsignedInteger(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}
