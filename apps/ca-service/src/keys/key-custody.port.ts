import type { KeyAlgorithm, SigningAlgorithm } from '@pki/contracts';

/**
 * The Signer port (DESIGN.md "Keys and signing"): the only way anything in the platform uses
 * a CA private key. One key pair per CA, addressed by the CA id. Implementations keep the
 * private key inside (an HSM through PKCS#11, or software keys envelope-encrypted at rest)
 * and never return, log or emit it.
 *
 * Signatures are in X.509 form: RSASSA-PKCS1-v1_5 for RSA, DER `Ecdsa-Sig-Value` for ECDSA.
 */
export interface KeyCustody {
  /** Creates the CA's key pair; returns its public key as DER SubjectPublicKeyInfo. Idempotent per CA id. */
  generate(certificateAuthorityId: string, keyAlgorithm: KeyAlgorithm): Promise<{ readonly publicKeySpki: Uint8Array }>;
  /** Hashes `data` with the algorithm's hash and signs it. */
  sign(certificateAuthorityId: string, signingAlgorithm: SigningAlgorithm, data: Uint8Array): Promise<Uint8Array>;
  /** Signs a digest computed elsewhere (large inputs such as CRLs never travel whole). */
  signDigest(certificateAuthorityId: string, signingAlgorithm: SigningAlgorithm, digest: Uint8Array): Promise<Uint8Array>;
  publicKey(certificateAuthorityId: string): Promise<Uint8Array | undefined>;
  /** Destroys the key (permanent CA deletion). */
  destroy(certificateAuthorityId: string): Promise<void>;
  readonly backend: 'software' | 'pkcs11';
}
