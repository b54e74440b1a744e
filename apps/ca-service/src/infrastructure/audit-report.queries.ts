import type { Kysely, Transaction } from 'kysely';
import type { CertificateIssuedV1, CertificateRevokedV1 } from '@pki/contracts';
import type { AuditReportRequestedV1 } from '../domain/audit-report.events';
import type { AuditRecord } from '../domain/audit-report.format';
import { CA_SCHEMA } from './database';
import type { AuditRecordRow, AuditRecordTable } from './tables/audit-record.table';
import type { AuditReportRow, AuditReportRowUpdate, AuditReportTable } from './tables/audit-report.table';

export interface AuditDatabase {
  audit_records: AuditRecordTable;
  audit_reports: AuditReportTable;
}

export type AuditDb = Kysely<AuditDatabase> | Transaction<AuditDatabase>;

/** ca-service's audit tables (schema `ca`), through this area's own table types. */
export function auditDb(db: Kysely<any> | Transaction<any>): AuditDb {
  return db.withSchema(CA_SCHEMA) as AuditDb;
}

/** CertificateIssued: fills the issuance half of the record (a revocation may have arrived first). */
export async function upsertIssuedRecord(db: AuditDb, issued: CertificateIssuedV1): Promise<void> {
  const issuance = {
    requested_by_service_principal: issued.requestedByServicePrincipal,
    subject: issued.subject,
    not_before: new Date(issued.notBefore),
    not_after: new Date(issued.notAfter),
    issued_at: new Date(issued.issuedAt),
    template_arn: issued.templateArn,
  };
  await db
    .insertInto('audit_records')
    .values({ certificate_arn: issued.certificateArn, certificate_authority_id: issued.certificateAuthorityId, serial: issued.serial, account_id: issued.accountId, ...issuance })
    .onConflict((oc) => oc.column('certificate_arn').doUpdateSet(issuance))
    .execute();
}

/** CertificateRevoked: fills the revocation half (a certificate is revoked at most once). */
export async function upsertRevokedRecord(db: AuditDb, revoked: CertificateRevokedV1): Promise<void> {
  const revocation = { revoked_at: new Date(revoked.revokedAt), revocation_reason: revoked.revocationReason };
  await db
    .insertInto('audit_records')
    .values({ certificate_arn: revoked.certificateArn, certificate_authority_id: revoked.certificateAuthorityId, serial: revoked.serial, account_id: revoked.accountId, ...revocation })
    .onConflict((oc) => oc.column('certificate_arn').doUpdateSet(revocation))
    .execute();
}

export function toAuditRecord(row: AuditRecordRow, cutoff: Date): AuditRecord {
  const revoked = row.revoked_at !== null && row.revoked_at <= cutoff;
  return {
    awsAccountId: row.account_id,
    requestedByServicePrincipal: row.requested_by_service_principal,
    certificateArn: row.certificate_arn,
    serial: row.serial,
    subject: row.subject!,
    notBefore: row.not_before!,
    notAfter: row.not_after!,
    issuedAt: row.issued_at!,
    revokedAt: revoked ? row.revoked_at : null,
    revocationReason: revoked ? row.revocation_reason : null,
    templateArn: row.template_arn!,
  };
}

/**
 * The CA's certificates issued up to `cutoff` (revocations after it are not yet in the
 * report), in issuance order. A record whose CertificateIssued has not been projected yet
 * has no subject or validity to report and is left out until it has.
 */
export async function listAuditRecords(db: AuditDb, certificateAuthorityId: string, cutoff: Date): Promise<AuditRecord[]> {
  const rows = await db
    .selectFrom('audit_records')
    .selectAll()
    .where('certificate_authority_id', '=', certificateAuthorityId)
    .where('issued_at', 'is not', null)
    .where('issued_at', '<=', cutoff)
    .orderBy('issued_at')
    .orderBy('serial')
    .execute();
  return rows.map((row) => toAuditRecord(row, cutoff));
}

export async function insertAuditReport(db: AuditDb, requested: AuditReportRequestedV1, version: number): Promise<void> {
  await db
    .insertInto('audit_reports')
    .values({
      id: requested.auditReportId,
      certificate_authority_id: requested.certificateAuthorityId,
      certificate_authority_arn: requested.certificateAuthorityArn,
      owner_account: requested.ownerAccount,
      s3_bucket_name: requested.s3BucketName,
      s3_key: requested.s3Key,
      format: requested.format,
      status: 'CREATING',
      created_at: new Date(requested.requestedAt),
      completed_at: null,
      failure_reason: null,
      version,
    })
    .execute();
}

export async function updateAuditReport(db: AuditDb, id: string, update: AuditReportRowUpdate): Promise<void> {
  await db.updateTable('audit_reports').set(update).where('id', '=', id).execute();
}

export async function findAuditReport(db: AuditDb, certificateAuthorityId: string, id: string): Promise<AuditReportRow | undefined> {
  return db.selectFrom('audit_reports').selectAll().where('id', '=', id).where('certificate_authority_id', '=', certificateAuthorityId).executeTakeFirst();
}

/** Reports still CREATING although requested before `before`: their creator died mid-way. */
export async function findStaleCreatingReports(db: AuditDb, before: Date, limit: number): Promise<AuditReportRow[]> {
  return db
    .selectFrom('audit_reports')
    .selectAll()
    .where('status', '=', 'CREATING')
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit)
    .execute();
}
