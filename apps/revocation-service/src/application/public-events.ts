/**
 * revocation-service's share of the public feed (libs/contracts public-events.ts): AWS's
 * `ACM Private CA Certificate Revocation` per certificate revoked (AWS sends none for a refused or
 * repeated revocation, and neither does the decider record one) and `ACM Private CA CRL
 * Generation` per CRL published.
 */
import { caPublicEvent, REVOCATION_EVENT_TYPES, type CertificateRevokedV1, type CrlGeneratedV1, type EventEnvelope, type PublicEvent } from '@pki/contracts';

export function revocationPublicEvents(event: EventEnvelope): PublicEvent[] {
  if (event.schemaVersion !== 1) return [];
  switch (event.type) {
    case REVOCATION_EVENT_TYPES.CertificateRevoked: {
      const d = event.data as CertificateRevokedV1;
      return [caPublicEvent(event.id, 'ACM Private CA Certificate Revocation', d.certificateAuthorityArn, d.revokedAt, [d.certificateAuthorityArn, d.certificateArn], { result: 'success' })];
    }
    case REVOCATION_EVENT_TYPES.CrlGenerated: {
      const d = event.data as CrlGeneratedV1;
      return [caPublicEvent(event.id, 'ACM Private CA CRL Generation', d.certificateAuthorityArn, d.generatedAt, [d.certificateAuthorityArn], { result: 'success' })];
    }
    default:
      return [];
  }
}
