/**
 * ML-DSA (FIPS 204) in X.509, as the IETF profile has it (RFC 9881, draft-ietf-lamps-dilithium-certificates):
 *
 * - id-ml-dsa-44 / -65 / -87 (2.16.840.1.101.3.4.3.17 / 18 / 19, NIST CSOR) name both the
 *   public key and the signature, and their AlgorithmIdentifier has NO parameters (§2).
 * - The subjectPublicKey BIT STRING holds the raw encoded public key pk of FIPS 204 §7.2
 *   (pkEncode), with no further wrapping (§4): 1312 / 1952 / 2592 octets.
 * - Signatures are pure ML-DSA (FIPS 204 Algorithm 2, ML-DSA.Sign) over the DER to-be-signed
 *   content with the empty context string (§3); the signature value is the raw encoded sigma
 *   (2420 / 3309 / 4627 octets) in the BIT STRING.
 *
 * Pure ML-DSA has no pre-hash, but FIPS 204 §5.2 / §6.2 (Algorithm 7, line 6) computes
 * mu = H(tr || M', 64) with tr = H(pk, 64) and M' = 0 || |ctx| || ctx || M, H = SHAKE256, and
 * allows mu to be computed outside the signer ("external mu", FIPS 204 §6.2 note and §3.6.4 of
 * the FAQ). `mlDsaMuHasher` streams a large TBS (a CRL) into mu with only the public key, and the
 * key holder signs mu: the signature is the same pure ML-DSA signature a whole-message signer
 * makes. Verification here uses @noble/post-quantum (audited, pure TypeScript).
 */
import { createHash, type Hash } from 'node:crypto';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import type { MlDsaAlgorithm } from '@pki/contracts';
import { children, expectTag, readBitString, readOid, readWhole } from './der/der-reader';
import { oid } from './der/der-oid';
import { bitString, sequence, Tag } from './der/der-writer';
import { PkiParseError } from './errors';
import { Oid } from './oids';

interface MlDsaSpec {
  readonly oid: string;
  readonly publicKeyOctets: number;
  readonly signatureOctets: number;
  readonly impl: typeof ml_dsa65;
}

/** FIPS 204 Table 2 sizes (pk, sigma), RFC 9881 §2 OIDs. */
const ML_DSA: Record<MlDsaAlgorithm, MlDsaSpec> = {
  ML_DSA_44: { oid: Oid.idMlDsa44, publicKeyOctets: 1312, signatureOctets: 2420, impl: ml_dsa44 },
  ML_DSA_65: { oid: Oid.idMlDsa65, publicKeyOctets: 1952, signatureOctets: 3309, impl: ml_dsa65 },
  ML_DSA_87: { oid: Oid.idMlDsa87, publicKeyOctets: 2592, signatureOctets: 4627, impl: ml_dsa87 },
};

/** Octets of mu (FIPS 204 Algorithm 7 line 6: H(tr || M', 64)), what a digest signer of ML-DSA receives. */
export const ML_DSA_MU_OCTETS = 64;

export function mlDsaOid(algorithm: MlDsaAlgorithm): string {
  return ML_DSA[algorithm].oid;
}

/** The ML-DSA parameter set whose OID is `dotted`, if any. */
export function mlDsaAlgorithmFromOid(dotted: string): MlDsaAlgorithm | undefined {
  return (Object.keys(ML_DSA) as MlDsaAlgorithm[]).find((a) => ML_DSA[a].oid === dotted);
}

export function mlDsaPublicKeyOctets(algorithm: MlDsaAlgorithm): number {
  return ML_DSA[algorithm].publicKeyOctets;
}

export function mlDsaSignatureOctets(algorithm: MlDsaAlgorithm): number {
  return ML_DSA[algorithm].signatureOctets;
}

/** SubjectPublicKeyInfo DER for a raw ML-DSA public key (RFC 9881 §4: AlgorithmIdentifier without parameters, pk in the BIT STRING). */
export function mlDsaSpki(algorithm: MlDsaAlgorithm, publicKey: Uint8Array): Buffer {
  if (publicKey.length !== ML_DSA[algorithm].publicKeyOctets) {
    throw new PkiParseError(`an ${algorithm} public key is ${ML_DSA[algorithm].publicKeyOctets} octets, got ${publicKey.length}`);
  }
  return sequence(sequence(oid(ML_DSA[algorithm].oid)), bitString(publicKey));
}

/** The parameter set and raw pk of an ML-DSA SubjectPublicKeyInfo; throws PkiParseError for anything else. */
export function readMlDsaSpki(spki: Uint8Array): { algorithm: MlDsaAlgorithm; publicKey: Uint8Array } {
  const top = readWhole(spki, 'SubjectPublicKeyInfo', Tag.SEQUENCE);
  const [alg, key, ...rest] = children(top, 'SubjectPublicKeyInfo');
  if (!alg || !key || rest.length) throw new PkiParseError('wrong structure: SubjectPublicKeyInfo needs 2 fields');
  expectTag(alg, Tag.SEQUENCE, 'SubjectPublicKeyInfo algorithm');
  const [id, ...params] = children(alg, 'SubjectPublicKeyInfo algorithm');
  if (!id) throw new PkiParseError('wrong structure: public key AlgorithmIdentifier');
  const algorithm = mlDsaAlgorithmFromOid(readOid(id, 'public key algorithm'));
  if (!algorithm) throw new PkiParseError('not an ML-DSA public key');
  if (params.length) throw new PkiParseError(`${algorithm} public key AlgorithmIdentifier must not have parameters (RFC 9881 §2)`);
  const { unusedBits, bytes } = readBitString(key, 'subjectPublicKey');
  if (unusedBits !== 0) throw new PkiParseError('subjectPublicKey has unused bits');
  if (bytes.length !== ML_DSA[algorithm].publicKeyOctets) {
    throw new PkiParseError(`an ${algorithm} public key is ${ML_DSA[algorithm].publicKeyOctets} octets (FIPS 204 Table 2), got ${bytes.length}`);
  }
  return { algorithm, publicKey: bytes };
}

/** Pure ML-DSA verification (FIPS 204 Algorithm 3) with the empty context. Never throws. */
export function verifyMlDsa(algorithm: MlDsaAlgorithm, spki: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = readMlDsaSpki(spki);
    if (key.algorithm !== algorithm || signature.length !== ML_DSA[algorithm].signatureOctets) return false;
    return ML_DSA[algorithm].impl.verify(signature, message, key.publicKey);
  } catch {
    return false;
  }
}

/**
 * A hash over the message whose digest() is mu for pure ML-DSA with the empty context
 * (FIPS 204 Algorithm 2 line 10 and Algorithm 7 line 6): SHAKE256(SHAKE256(pk, 64) || 0x00 || 0x00 || M, 64).
 * Only the public key is needed, so a CRL of any size is streamed through it and only mu travels
 * to the signer.
 */
export function mlDsaMuHasher(spki: Uint8Array): Hash {
  const { publicKey } = readMlDsaSpki(spki);
  const tr = createHash('shake256', { outputLength: 64 }).update(publicKey).digest();
  // M' = IntegerToBytes(0, 1) || IntegerToBytes(|ctx|, 1) || ctx, ctx empty (pure ML-DSA, RFC 9881 §3).
  return createHash('shake256', { outputLength: ML_DSA_MU_OCTETS }).update(tr).update(Uint8Array.of(0, 0));
}

/** Verification from mu (FIPS 204 Algorithm 8 with external mu), for a TBS too large to hash twice. Never throws. */
export function verifyMlDsaMu(algorithm: MlDsaAlgorithm, spki: Uint8Array, mu: Uint8Array, signature: Uint8Array): boolean {
  try {
    const key = readMlDsaSpki(spki);
    if (key.algorithm !== algorithm || mu.length !== ML_DSA_MU_OCTETS || signature.length !== ML_DSA[algorithm].signatureOctets) return false;
    return ML_DSA[algorithm].impl.internal.verify(signature, mu, key.publicKey, { externalMu: true });
  } catch {
    return false;
  }
}
