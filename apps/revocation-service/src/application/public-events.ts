/**
 * revocation-service's share of the public feed (libs/contracts public-events.ts): AWS's
 * `ACM Private CA Certificate Revocation` per certificate revoked (AWS sends none for a refused or
 * repeated revocation, and neither does the decider record one) and `ACM Private CA CRL
 * Generation` per CRL published, and per failed attempt with AWS's reason for where it failed.
 */
import { caPublicEvent, REVOCATION_EVENT_TYPES, type CertificateRevokedV1, type CrlGeneratedV1, type CrlGenerationFailedV1, type EventEnvelope, type PublicEvent } from '@pki/contracts';

/** AWS's reasons (user guide, "Using CloudWatch Events", CRL generation failures 1-3). */
export const CRL_FAILURE_REASONS = {
  permission: 'Failed to write CRL to S3. Check your S3 bucket permissions.',
  write: 'Failed to write CRL to S3. Internal failure.',
  generate: 'Failed to generate CRL. Internal failure.',
} as const;

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
    case REVOCATION_EVENT_TYPES.CrlGenerationFailed: {
      const d = event.data as CrlGenerationFailedV1;
      const reason = d.stage === 'GENERATE' ? CRL_FAILURE_REASONS.generate : d.permission ? CRL_FAILURE_REASONS.permission : CRL_FAILURE_REASONS.write;
      return [caPublicEvent(event.id, 'ACM Private CA CRL Generation', d.certificateAuthorityArn, d.failedAt, [d.certificateAuthorityArn], { result: 'failure', reason })];
    }
    default:
      return [];
  }
}
