import type { Insertable, Selectable, Updateable } from 'kysely';

/** ca.audit_reports: DescribeCertificateAuthorityAuditReport's read model, updated with each append. */
export interface AuditReportTable {
  id: string;
  certificate_authority_id: string;
  certificate_authority_arn: string;
  owner_account: string;
  s3_bucket_name: string;
  s3_key: string;
  format: string;
  /** CREATING | SUCCESS | FAILED */
  status: string;
  /** When the report was requested (AWS `CreatedAt`); also its cut-off. */
  created_at: Date;
  completed_at: Date | null;
  failure_reason: string | null;
  /** Version of the CA's audit-report stream this row reflects. */
  version: number;
}

export type AuditReportRow = Selectable<AuditReportTable>;
export type NewAuditReportRow = Insertable<AuditReportTable>;
export type AuditReportRowUpdate = Updateable<AuditReportTable>;
