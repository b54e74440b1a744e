import { sql, type Kysely, type Transaction } from 'kysely';
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
/** One schema-bound handle per pool or transaction (withSchema builds a new Kysely each call; the audit projection calls this per batch). */
const bound = new WeakMap<Kysely<any>, AuditDb>();

export function auditDb(db: Kysely<any> | Transaction<any>): AuditDb {
  let handle = bound.get(db);
  if (!handle) {
    handle = db.withSchema(CA_SCHEMA) as AuditDb;
    bound.set(db, handle);
  }
  return handle;
}

/** Records per statement: 10 parameters each, far below Postgres's 65,535 bind parameters. */
const UPSERT_CHUNK = 500;

/**
 * CertificateIssued: fills the issuance half of each record (a revocation may have arrived
 * first), one statement per UPSERT_CHUNK records (a projection batch is one round trip). A
 * certificate ARN repeated in `issued` keeps its last event's values, as one upsert per event in
 * order would (one statement may not update a row twice).
 */
export async function upsertIssuedRecords(db: AuditDb, issued: readonly CertificateIssuedV1[]): Promise<void> {
  const last = [...new Map(issued.map((i) => [i.certificateArn, i])).values()];
  for (let i = 0; i < last.length; i += UPSERT_CHUNK) {
    await db
      .insertInto('audit_records')
      .values(
        last.slice(i, i + UPSERT_CHUNK).map((issued) => ({
          certificate_arn: issued.certificateArn,
          certificate_authority_id: issued.certificateAuthorityId,
          serial: issued.serial,
          account_id: issued.accountId,
          requested_by_service_principal: issued.requestedByServicePrincipal,
          subject: issued.subject,
          not_before: new Date(issued.notBefore),
          not_after: new Date(issued.notAfter),
          issued_at: new Date(issued.issuedAt),
          template_arn: issued.templateArn,
        })),
      )
      .onConflict((oc) =>
        oc.column('certificate_arn').doUpdateSet((eb) => ({
          requested_by_service_principal: eb.ref('excluded.requested_by_service_principal'),
          subject: eb.ref('excluded.subject'),
          not_before: eb.ref('excluded.not_before'),
          not_after: eb.ref('excluded.not_after'),
          issued_at: eb.ref('excluded.issued_at'),
          template_arn: eb.ref('excluded.template_arn'),
        })),
      )
      .execute();
  }
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
 * report), in issuance order, `pageSize` at a time: keyset pages on (issued_at, serial), each
 * read in the order of audit_records_ca_issued_idx, so memory and the cost of a page stay the
 * same however many certificates the CA has. A record whose CertificateIssued has not been
 * projected yet has no subject or validity to report and is left out until it has.
 */
export async function* auditRecordPages(db: AuditDb, certificateAuthorityId: string, cutoff: Date, pageSize = 5000): AsyncGenerator<AuditRecord[]> {
  // The cursor's timestamp travels as Postgres text: a JavaScript Date would drop its microseconds.
  let after: { issuedAt: string; serial: string } | undefined;
  for (;;) {
    let query = db
      .selectFrom('audit_records')
      .selectAll()
      .select(sql<string>`issued_at::text`.as('cursor_issued_at'))
      .where('certificate_authority_id', '=', certificateAuthorityId)
      .where('issued_at', 'is not', null)
      .where('issued_at', '<=', cutoff);
    if (after) query = query.where(sql<boolean>`(issued_at, serial) > (${after.issuedAt}::timestamptz, ${after.serial})`);
    const rows = await query.orderBy('issued_at').orderBy('serial').limit(pageSize).execute();
    if (rows.length === 0) return;
    yield rows.map((row) => toAuditRecord(row, cutoff));
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { issuedAt: last.cursor_issued_at, serial: last.serial };
  }
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
