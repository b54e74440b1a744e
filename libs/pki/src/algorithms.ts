/**
 * AWS ACM PCA key and signing algorithms (CertificateAuthorityConfiguration.KeyAlgorithm and
 * SigningAlgorithm) and their X.509 encodings. The value lists themselves are defined once, in
 * @pki/contracts (acm-pca-algorithms.ts); this library re-exports them for its callers.
 *
 * AlgorithmIdentifier parameters: RSA PKCS #1 v1.5 signatures carry an explicit NULL
 * (RFC 4055 §5, RFC 3279 §2.2.1); ECDSA signatures omit the parameters field entirely
 * (RFC 5758 §3.2); ML-DSA omits them too (RFC 9881 §2). Getting this wrong makes strict
 * verifiers reject the signature.
 *
 * ML-DSA (FIPS 204) values are both a KeyAlgorithm and a SigningAlgorithm: an ML_DSA_65 key
 * signs only with ML_DSA_65 (AWS, CertificateAuthorityConfiguration), and there is no hash.
 */
import { SIGNING_ALGORITHMS, isMlDsaAlgorithm, isSigningAlgorithm, type KeyAlgorithm, type MlDsaAlgorithm, type SigningAlgorithm } from '@pki/contracts';
import { children, contents, expectTag, readBitString, readElement, readOid, readWhole } from './der/der-reader';
import { oid } from './der/der-oid';
import { nullValue, sequence, Tag } from './der/der-writer';
import { PkiEncodeError, PkiParseError } from './errors';
import { mlDsaAlgorithmFromOid, mlDsaPublicKeyOctets } from './ml-dsa';
import { Oid } from './oids';

export type { KeyAlgorithm, SigningAlgorithm } from '@pki/contracts';

/**
 * Why `algorithm` (a KeyAlgorithm or SigningAlgorithm value) cannot be used here, as a sentence
 * for an InvalidArgsException; undefined for a value this platform supports or does not know.
 */
export function unsupportedAlgorithmReason(algorithm: string): string | undefined {
  if (algorithm === 'SM2' || algorithm === 'SM3WITHSM2') {
    return `${algorithm} (SM2/SM3, offered by AWS Private CA in the China Regions only) is not supported by this platform.`;
  }
  return undefined;
}

/** node:crypto digest names. */
export type HashName = 'sha256' | 'sha384' | 'sha512';

/** The family of a key or signing algorithm. */
export type AlgorithmFamily = 'rsa' | 'ec' | 'ml-dsa';

interface SigningSpec {
  readonly oid: string;
  /** undefined for ML-DSA, which signs the message itself (FIPS 204 §5.2). */
  readonly hash: HashName | undefined;
  readonly keyType: AlgorithmFamily;
}

const SIGNING: Record<SigningAlgorithm, SigningSpec> = {
  SHA256WITHECDSA: { oid: Oid.ecdsaWithSHA256, hash: 'sha256', keyType: 'ec' },
  SHA384WITHECDSA: { oid: Oid.ecdsaWithSHA384, hash: 'sha384', keyType: 'ec' },
  SHA512WITHECDSA: { oid: Oid.ecdsaWithSHA512, hash: 'sha512', keyType: 'ec' },
  SHA256WITHRSA: { oid: Oid.sha256WithRSAEncryption, hash: 'sha256', keyType: 'rsa' },
  SHA384WITHRSA: { oid: Oid.sha384WithRSAEncryption, hash: 'sha384', keyType: 'rsa' },
  SHA512WITHRSA: { oid: Oid.sha512WithRSAEncryption, hash: 'sha512', keyType: 'rsa' },
  ML_DSA_44: { oid: Oid.idMlDsa44, hash: undefined, keyType: 'ml-dsa' },
  ML_DSA_65: { oid: Oid.idMlDsa65, hash: undefined, keyType: 'ml-dsa' },
  ML_DSA_87: { oid: Oid.idMlDsa87, hash: undefined, keyType: 'ml-dsa' },
};

function spec(algorithm: SigningAlgorithm): SigningSpec {
  const s = SIGNING[algorithm];
  if (!s) throw new PkiEncodeError(`unsupported signing algorithm ${String(algorithm)}`);
  return s;
}

const identifierCache = new Map<SigningAlgorithm, Buffer>();

/** AlgorithmIdentifier DER for the signature (RFC 5280 §4.1.1.2). Shared buffer: do not mutate. */
export function signatureAlgorithmIdentifier(algorithm: SigningAlgorithm): Buffer {
  let der = identifierCache.get(algorithm);
  if (!der) {
    const s = spec(algorithm);
    der = s.keyType === 'rsa' ? sequence(oid(s.oid), nullValue()) : sequence(oid(s.oid));
    identifierCache.set(algorithm, der);
  }
  return der;
}

export function signatureAlgorithmOid(algorithm: SigningAlgorithm): string {
  return spec(algorithm).oid;
}

/**
 * The node:crypto hash name used by `algorithm` (for crypto.sign/verify and createHash). Throws
 * for ML-DSA, which has none: callers that may see it branch on `isMlDsaAlgorithm` first.
 */
export function hashOf(algorithm: SigningAlgorithm): HashName {
  const hash = spec(algorithm).hash;
  if (!hash) throw new PkiEncodeError(`${algorithm} (ML-DSA, FIPS 204) signs the message itself and has no hash`);
  return hash;
}

export function keyTypeOfSigningAlgorithm(algorithm: SigningAlgorithm): AlgorithmFamily {
  return spec(algorithm).keyType;
}

/** The family of a KeyAlgorithm. */
export function keyTypeOfKeyAlgorithm(keyAlgorithm: KeyAlgorithm): AlgorithmFamily {
  if (keyAlgorithm.startsWith('RSA_')) return 'rsa';
  return isMlDsaAlgorithm(keyAlgorithm) ? 'ml-dsa' : 'ec';
}

/** The AWS SigningAlgorithm for a signature algorithm OID, if it is one AWS offers. */
export function signingAlgorithmFromOid(dotted: string): SigningAlgorithm | undefined {
  return SIGNING_ALGORITHMS.find((a) => SIGNING[a].oid === dotted);
}

/**
 * AWS pairs RSA keys with *WITHRSA, EC keys with *WITHECDSA and an ML-DSA key with the ML-DSA
 * signing algorithm of its own parameter set (CertificateAuthorityConfiguration, "Supported
 * cryptographic algorithms": ML_DSA_65 keys sign with ML_DSA_65).
 */
export function signingAlgorithmMatchesKey(keyAlgorithm: KeyAlgorithm, signingAlgorithm: SigningAlgorithm): boolean {
  if (!isSigningAlgorithm(signingAlgorithm)) return false;
  const keyType = keyTypeOfKeyAlgorithm(keyAlgorithm);
  if (keyType === 'ml-dsa') return signingAlgorithm === keyAlgorithm;
  return SIGNING[signingAlgorithm].keyType === keyType;
}

/** The ML-DSA signing algorithm a key algorithm's CA must use, or undefined for RSA and EC keys (which have a choice). */
export function mlDsaSigningAlgorithmOf(keyAlgorithm: KeyAlgorithm): MlDsaAlgorithm | undefined {
  return isMlDsaAlgorithm(keyAlgorithm) ? keyAlgorithm : undefined;
}

export type KeyPairSpec =
  | { type: 'rsa'; options: { modulusLength: 2048 | 3072 | 4096; publicExponent: 65537 } }
  | { type: 'ec'; options: { namedCurve: 'prime256v1' | 'secp384r1' | 'secp521r1' } };

/** Arguments for `crypto.generateKeyPair(spec.type, spec.options, cb)`; the caller generates. */
export function generateKeyPairSpec(keyAlgorithm: KeyAlgorithm): KeyPairSpec {
  switch (keyAlgorithm) {
    case 'RSA_2048':
      return { type: 'rsa', options: { modulusLength: 2048, publicExponent: 65537 } };
    case 'RSA_3072':
      return { type: 'rsa', options: { modulusLength: 3072, publicExponent: 65537 } };
    case 'RSA_4096':
      return { type: 'rsa', options: { modulusLength: 4096, publicExponent: 65537 } };
    case 'EC_prime256v1':
      return { type: 'ec', options: { namedCurve: 'prime256v1' } };
    case 'EC_secp384r1':
      return { type: 'ec', options: { namedCurve: 'secp384r1' } };
    case 'EC_secp521r1':
      return { type: 'ec', options: { namedCurve: 'secp521r1' } };
    default:
      // ML-DSA keys are not node:crypto keys (Node.js 20 / OpenSSL 3.0 have no ML-DSA): the
      // software key backend makes them with @noble/post-quantum.
      throw new PkiEncodeError(`unsupported key algorithm ${String(keyAlgorithm)} for node:crypto key generation`);
  }
}

export interface PublicKeyInfo {
  /** The key's AWS KeyAlgorithm (a CA key, or a CSR key IssueCertificate certifies), or undefined for any other key. */
  keyAlgorithm: KeyAlgorithm | undefined;
  keyType: AlgorithmFamily | 'other';
  /** Algorithm OID from the SubjectPublicKeyInfo. */
  algorithmOid: string;
  /** RSA modulus length in bits, or the EC field size in bits. */
  keyBits: number | undefined;
  /** Named-curve OID for EC keys. */
  curveOid: string | undefined;
  /** The subjectPublicKey BIT STRING contents (without the unused-bits octet), e.g. for RFC 5280 §4.2.1.2 key ids. */
  subjectPublicKey: Uint8Array;
}

const CURVES: Record<string, { bits: number; keyAlgorithm: KeyAlgorithm }> = {
  [Oid.prime256v1]: { bits: 256, keyAlgorithm: 'EC_prime256v1' },
  [Oid.secp384r1]: { bits: 384, keyAlgorithm: 'EC_secp384r1' },
  [Oid.secp521r1]: { bits: 521, keyAlgorithm: 'EC_secp521r1' },
};

/** RSA modulus sizes of AWS's KeyAlgorithm values (RSA_2048, RSA_3072, RSA_4096). */
const RSA_KEYS: Readonly<Record<number, KeyAlgorithm>> = { 2048: 'RSA_2048', 3072: 'RSA_3072', 4096: 'RSA_4096' };

/** Bit length of an unsigned big-endian integer's contents (leading zero octets ignored). */
function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]));
}

/**
 * Reads a DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) far enough to name its AWS KeyAlgorithm:
 * rsaEncryption (RFC 3279 §2.3.1) by modulus size, id-ecPublicKey (RFC 5480 §2.1.1) by named curve,
 * id-ml-dsa-44/65/87 (RFC 9881 §2, §4: no parameters, a pk of FIPS 204's size) by OID.
 * Throws PkiParseError on malformed input.
 */
export function describePublicKey(spki: Uint8Array): PublicKeyInfo {
  const top = readWhole(spki, 'SubjectPublicKeyInfo', Tag.SEQUENCE);
  const [algorithm, publicKey, ...rest] = children(top, 'SubjectPublicKeyInfo');
  if (!algorithm || !publicKey || rest.length) throw new PkiParseError('wrong structure: SubjectPublicKeyInfo needs 2 fields');
  expectTag(algorithm, Tag.SEQUENCE, 'SubjectPublicKeyInfo algorithm');
  const [algOid, params, ...more] = children(algorithm, 'SubjectPublicKeyInfo algorithm');
  if (!algOid || more.length) throw new PkiParseError('wrong structure: public key AlgorithmIdentifier');
  const algorithmOid = readOid(algOid, 'public key algorithm');
  const { unusedBits, bytes } = readBitString(publicKey, 'subjectPublicKey');
  if (unusedBits !== 0) throw new PkiParseError('subjectPublicKey has unused bits');
  const info: PublicKeyInfo = { keyAlgorithm: undefined, keyType: 'other', algorithmOid, keyBits: undefined, curveOid: undefined, subjectPublicKey: bytes };

  if (algorithmOid === Oid.rsaEncryption) {
    info.keyType = 'rsa';
    // RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } (RFC 8017 §A.1.1)
    const key = readWhole(bytes, 'RSAPublicKey', Tag.SEQUENCE);
    const modulus = readElement(key.buf, key.valueStart, key.end, 'RSA modulus');
    expectTag(modulus, Tag.INTEGER, 'RSA modulus');
    info.keyBits = bitLength(contents(modulus));
    info.keyAlgorithm = RSA_KEYS[info.keyBits];
  } else if (algorithmOid === Oid.ecPublicKey) {
    info.keyType = 'ec';
    if (!params || params.tag !== Tag.OID) throw new PkiParseError('EC public key without a named curve (RFC 5480 §2.1.1)');
    info.curveOid = readOid(params, 'EC named curve');
    const curve = CURVES[info.curveOid];
    info.keyBits = curve?.bits;
    info.keyAlgorithm = curve?.keyAlgorithm;
  } else {
    const mlDsa = mlDsaAlgorithmFromOid(algorithmOid);
    if (mlDsa) {
      // RFC 9881 §2 and §4: no parameters; the BIT STRING is the raw pk of FIPS 204 Table 2's size.
      if (params) throw new PkiParseError(`${mlDsa} public key AlgorithmIdentifier must not have parameters (RFC 9881 §2)`);
      if (bytes.length !== mlDsaPublicKeyOctets(mlDsa)) throw new PkiParseError(`an ${mlDsa} public key is ${mlDsaPublicKeyOctets(mlDsa)} octets, got ${bytes.length}`);
      info.keyType = 'ml-dsa';
      info.keyAlgorithm = mlDsa;
    }
  }
  return info;
}

/** The AWS KeyAlgorithm of a DER SubjectPublicKeyInfo, or undefined when unsupported or malformed. */
export function keyAlgorithmOfSpki(spki: Uint8Array): KeyAlgorithm | undefined {
  try {
    return describePublicKey(spki).keyAlgorithm;
  } catch {
    return undefined;
  }
}
