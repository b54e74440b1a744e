/**
 * ca-service's share of the public feed (libs/contracts public-events.ts):
 * - AWS's `ACM Private CA Creation`: success when the CA's key pair and CSR exist
 *   (PENDING_CERTIFICATE), failure when they could not be made;
 * - AWS's `ACM Private CA Audit Report Generation`: success when the report object is written,
 *   failure when it could not be;
 * - this platform's `Private CA Status Change` for the changes AWS has no event for (disabled,
 *   enabled, deleted, restored, expired, permanently deleted).
 */
import {
  CA_EVENT_TYPES,
  caPublicEvent,
  certificateAuthorityArn,
  type CaStatusChangeDetail,
  type CertificateAuthorityCreationFailedV1,
  type CertificateAuthorityDeletedV1,
  type CertificateAuthorityExpiredV1,
  type CertificateAuthorityPermanentlyDeletedV1,
  type CertificateAuthorityRestoredV1,
  type CsrCreatedV1,
  type EventEnvelope,
  type PublicEvent,
  type PublicEventContext,
  type StatusChangedV1,
} from '@pki/contracts';
import type { AuditReportCreatedV1, AuditReportFailedV1 } from '../domain/audit-report.events';

function statusChange(event: EventEnvelope, arn: string, at: string, detail: CaStatusChangeDetail): PublicEvent[] {
  return [caPublicEvent(event.id, 'Private CA Status Change', arn, at, [arn], detail)];
}

export function caPublicEvents(event: EventEnvelope, context: PublicEventContext): PublicEvent[] {
  if (event.schemaVersion !== 1) return [];
  switch (event.type) {
    case CA_EVENT_TYPES.CsrCreated: {
      const d = event.data as CsrCreatedV1;
      return [caPublicEvent(event.id, 'ACM Private CA Creation', d.arn, d.createdAt, [d.arn], { result: 'success' })];
    }
    case CA_EVENT_TYPES.CertificateAuthorityCreationFailed: {
      const d = event.data as CertificateAuthorityCreationFailedV1;
      return [caPublicEvent(event.id, 'ACM Private CA Creation', d.arn, d.failedAt, [d.arn], { result: 'failure' })];
    }
    case CA_EVENT_TYPES.StatusChanged: {
      const d = event.data as StatusChangedV1;
      return statusChange(event, d.arn, d.changedAt, { status: d.status, previousStatus: d.previousStatus, change: d.status === 'DISABLED' ? 'DISABLED' : 'ENABLED' });
    }
    case CA_EVENT_TYPES.CertificateAuthorityDeleted: {
      const d = event.data as CertificateAuthorityDeletedV1;
      return statusChange(event, d.arn, d.deletedAt, { status: 'DELETED', previousStatus: d.previousStatus, change: 'DELETED' });
    }
    case CA_EVENT_TYPES.CertificateAuthorityRestored: {
      const d = event.data as CertificateAuthorityRestoredV1;
      return statusChange(event, d.arn, d.restoredAt, { status: d.status as CaStatusChangeDetail['status'], previousStatus: 'DELETED', change: 'RESTORED' });
    }
    case CA_EVENT_TYPES.CertificateAuthorityExpired: {
      const d = event.data as CertificateAuthorityExpiredV1;
      return statusChange(event, d.arn, d.expiredAt, { status: 'EXPIRED', previousStatus: d.previousStatus, change: 'EXPIRED' });
    }
    case CA_EVENT_TYPES.CertificateAuthorityPermanentlyDeleted: {
      const d = event.data as CertificateAuthorityPermanentlyDeletedV1;
      return statusChange(event, d.arn, d.permanentlyDeletedAt, { status: null, previousStatus: 'DELETED', change: 'PERMANENTLY_DELETED' });
    }
    case 'AuditReportCreated':
    case 'AuditReportFailed': {
      const d = event.data as AuditReportCreatedV1 | AuditReportFailedV1;
      // Only the CA's owner creates audit reports, so the event's account is the CA's; its region is
      // the CA ARN's (events recorded before the ARN was carried: the default region).
      const arn = d.certificateAuthorityArn ?? certificateAuthorityArn(context.region, event.accountId, d.certificateAuthorityId);
      const at = 'createdAt' in d ? d.createdAt : d.failedAt;
      return [caPublicEvent(event.id, 'ACM Private CA Audit Report Generation', arn, at, [arn, d.auditReportId], { result: event.type === 'AuditReportCreated' ? 'success' : 'failure' })];
    }
    default:
      return [];
  }
}
