import type { Insertable, Selectable } from 'kysely';

/**
 * ca.audit_records: one row per certificate a CA issued or revoked, projected from
 * issuance-service's CertificateIssued and revocation-service's CertificateRevoked. The two
 * arrive on different streams in no guaranteed order, so either half may be null for a while.
 */
export interface AuditRecordTable {
  certificate_arn: string;
  certificate_authority_id: string;
  serial: string;
  account_id: string;
  requested_by_service_principal: string | null;
  subject: string | null;
  not_before: Date | null;
  not_after: Date | null;
  issued_at: Date | null;
  template_arn: string | null;
  revoked_at: Date | null;
  revocation_reason: string | null;
}

export type AuditRecordRow = Selectable<AuditRecordTable>;
export type NewAuditRecordRow = Insertable<AuditRecordTable>;
