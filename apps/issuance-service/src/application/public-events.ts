/**
 * issuance-service's share of the public feed (libs/contracts public-events.ts): every
 * IssueCertificate that finished is AWS's `ACM Private CA Certificate Issuance`, success when the
 * certificate was recorded, failure when the request was accepted and could not be issued.
 */
import { caPublicEvent, ISSUANCE_EVENT_TYPES, type CertificateIssuanceFailedV1, type CertificateIssuedV1, type EventEnvelope, type PublicEvent } from '@pki/contracts';

export function issuancePublicEvents(event: EventEnvelope): PublicEvent[] {
  if (event.schemaVersion !== 1) return [];
  switch (event.type) {
    case ISSUANCE_EVENT_TYPES.CertificateIssued: {
      const d = event.data as CertificateIssuedV1;
      return [caPublicEvent(event.id, 'ACM Private CA Certificate Issuance', d.certificateAuthorityArn, d.issuedAt, [d.certificateAuthorityArn, d.certificateArn], { result: 'success' })];
    }
    case ISSUANCE_EVENT_TYPES.CertificateIssuanceFailed: {
      const d = event.data as CertificateIssuanceFailedV1;
      return [caPublicEvent(event.id, 'ACM Private CA Certificate Issuance', d.certificateAuthorityArn, d.failedAt, [d.certificateAuthorityArn, d.certificateArn], { result: 'failure' })];
    }
    default:
      return [];
  }
}
