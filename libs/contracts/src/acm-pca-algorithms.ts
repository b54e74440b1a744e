/**
 * ACM Private CA `KeyAlgorithm` and `SigningAlgorithm` values (API_CertificateAuthorityConfiguration;
 * botocore acm-pca/2017-08-22 service-2.json), defined once for the platform: @pki/pki encodes
 * them, the services validate with them, and the gateway's generated shapes are checked against
 * the ACM_PCA_* lists.
 */

/**
 * The KeyAlgorithm values this platform's own CAs can have, which is also what IssueCertificate
 * certifies in a CSR: AWS's RSA and ECDSA values ("Supported cryptographic algorithms"), which
 * both key backends generate and sign with (node:crypto / @noble/curves, PKCS #11
 * CKM_RSA_PKCS_KEY_PAIR_GEN and CKM_EC_KEY_PAIR_GEN), and ML-DSA (FIPS 204), which only the
 * software backend generates (@noble/post-quantum; the PKCS #11 backend refuses it).
 */
export const KEY_ALGORITHMS = ['RSA_2048', 'RSA_3072', 'RSA_4096', 'EC_prime256v1', 'EC_secp384r1', 'EC_secp521r1', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

/** The ML-DSA parameter sets: each is both a KeyAlgorithm and the one SigningAlgorithm its key signs with. */
export const ML_DSA_ALGORITHMS = ['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const;
export type MlDsaAlgorithm = (typeof ML_DSA_ALGORITHMS)[number];

export const SIGNING_ALGORITHMS = ['SHA256WITHECDSA', 'SHA384WITHECDSA', 'SHA512WITHECDSA', 'SHA256WITHRSA', 'SHA384WITHRSA', 'SHA512WITHRSA', 'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

/**
 * Members of the model's enums this platform cannot do: SM2 / SM3WITHSM2 (GB/T 32918, offered by
 * AWS in the China Regions only; neither key backend generates SM2 keys). They are valid input
 * for the API's validation, so the services refuse them with InvalidArgsException.
 */
export const UNSUPPORTED_KEY_ALGORITHMS = ['SM2'] as const;
export const UNSUPPORTED_SIGNING_ALGORITHMS = ['SM3WITHSM2'] as const;

/** The model's whole `KeyAlgorithm` enum, in its order. */
export const ACM_PCA_KEY_ALGORITHMS = [...KEY_ALGORITHMS, ...UNSUPPORTED_KEY_ALGORITHMS] as const;
/** The model's whole `SigningAlgorithm` enum, in its order (SM3WITHSM2 stands before the ML-DSA values there). */
export const ACM_PCA_SIGNING_ALGORITHMS = [...SIGNING_ALGORITHMS.slice(0, 6), ...UNSUPPORTED_SIGNING_ALGORITHMS, ...ML_DSA_ALGORITHMS] as const;

export function isMlDsaAlgorithm(value: unknown): value is MlDsaAlgorithm {
  return (ML_DSA_ALGORITHMS as readonly unknown[]).includes(value);
}

export function isKeyAlgorithm(value: unknown): value is KeyAlgorithm {
  return (KEY_ALGORITHMS as readonly unknown[]).includes(value);
}

export function isSigningAlgorithm(value: unknown): value is SigningAlgorithm {
  return (SIGNING_ALGORITHMS as readonly unknown[]).includes(value);
}
