/**
 * The signing callbacks. CA private keys never enter this library (DESIGN.md "Keys and
 * signing"): the caller routes these to the Signer port in ca-service, which signs and audits.
 */

/** Signs the to-be-signed DER with the CA key; returns the signature in X.509 form (DER ECDSA-Sig-Value for ECDSA). */
export type SignFn = (tbs: Uint8Array) => Promise<Uint8Array>;

/** Signs a precomputed digest (for very large TBS such as CRLs); same output form as SignFn. */
export type SignDigestFn = (digest: Uint8Array) => Promise<Uint8Array>;
