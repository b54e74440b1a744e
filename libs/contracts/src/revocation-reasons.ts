/**
 * ACM Private CA `RevocationReason` (RevokeCertificate), defined once for the platform, with the
 * CRLReason code RFC 5280 §5.3.1 gives each (what CRL entries and OCSP responses carry; RFC 6960
 * §4.2.1 RevokedInfo uses the same CRLReason).
 */
export const REVOCATION_REASON_CODES = {
  UNSPECIFIED: 0,
  KEY_COMPROMISE: 1,
  CERTIFICATE_AUTHORITY_COMPROMISE: 2,
  AFFILIATION_CHANGED: 3,
  SUPERSEDED: 4,
  CESSATION_OF_OPERATION: 5,
  PRIVILEGE_WITHDRAWN: 9,
  A_A_COMPROMISE: 10,
} as const;

export type RevocationReason = keyof typeof REVOCATION_REASON_CODES;

/** The model's `RevocationReason` enum, in its order. */
export const REVOCATION_REASONS = Object.keys(REVOCATION_REASON_CODES) as readonly RevocationReason[];

export function isRevocationReason(value: unknown): value is RevocationReason {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(REVOCATION_REASON_CODES, value);
}
