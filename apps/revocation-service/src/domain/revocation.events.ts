import { REVOCATION_EVENT_TYPES, type CertificateRevokedV1, type NewEvent } from '@pki/contracts';

export type CertificateRevokedEvent = NewEvent<CertificateRevokedV1, typeof REVOCATION_EVENT_TYPES.CertificateRevoked>;
export type RevocationEvent = CertificateRevokedEvent;

/** One stream per (CA, serial): appending at version 0 makes a revocation happen at most once. */
export const revocationStream = (caId: string, serialHex: string): string => `revocation-${caId}-${serialHex}`;

/** One stream per CRL the CA published (appended once per CRL number, so a retry is a no-op). */
export const crlStream = (caId: string, crlNumber: bigint): string => `crl-${caId}-${crlNumber.toString()}`;
/** One failed attempt at a CA's CRL (CrlGenerationFailed): a stream per attempt. */
export const crlFailureStream = (caId: string, attemptId: string): string => `crl-failure-${caId}-${attemptId}`;
