/**
 * ca-service's internal read for the platform's other services (not an acm-pca operation: the
 * gateway never routes it), on `commandSubject(prefix, 'ca', CA_INTERNAL_OPERATIONS.<name>)` with
 * the usual `CommandMessage` envelope.
 *
 * `LookupCertificateAuthority`: whether a CA exists, from ca-service's own records (committed
 * before CreateCertificateAuthority returned). A service whose projection of ca-service's events
 * has applied everything JetStream holds still cannot tell "no such CA" from "created a moment
 * ago": ca-service's outbox relay publishes a committed event shortly after the commit. Before it
 * answers ResourceNotFoundException for a CA it does not know, it asks the owner.
 */
export const CA_INTERNAL_OPERATIONS = {
  LookupCertificateAuthority: 'LookupCertificateAuthority',
} as const;

export interface LookupCertificateAuthorityInput {
  readonly certificateAuthorityId: string;
}

export interface LookupCertificateAuthorityOutput {
  /** The CA exists (in any status short of permanently deleted). */
  readonly exists: boolean;
  /** Its status in ca-service's own read model (written with its events), when it exists. */
  readonly status?: string;
}
