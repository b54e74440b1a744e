import { DomainError } from '@pki/contracts';
import type { ObjectStorage } from '@pki/object-storage';
import { auditReportChunks, auditReportContentType, type AuditRecord } from '../domain/audit-report.format';
import { auditDb, auditRecordPages } from '../infrastructure/audit-report.queries';
import type { AuditReportRow } from '../infrastructure/tables/audit-report.table';
import { executeAuditReportCommand } from './audit-report.stream';
import type { CaContext } from './ca-context';

/**
 * Writes a requested report and records the outcome: the CA's certificates issued up to the
 * request (its cut-off, so a regenerated report has the same content), formatted as asked,
 * at its key, private to the CA's account (acl BUCKET_OWNER_FULL_CONTROL). A storage failure
 * marks the report FAILED (the reason is kept in ca.audit_reports for operators).
 */
export async function generateAuditReport(context: CaContext, objects: ObjectStorage, report: AuditReportRow, correlationId: string): Promise<'SUCCESS' | 'FAILED'> {
  const meta = { accountId: report.owner_account, correlationId };
  const base = { auditReportId: report.id, certificateAuthorityId: report.certificate_authority_id };
  let recordCount = 0;
  try {
    const format = report.format === 'CSV' ? 'CSV' : 'JSON';
    const pages = counted(auditRecordPages(auditDb(context.db), report.certificate_authority_id, report.created_at), (n) => (recordCount += n));
    await objects.putStream(report.s3_bucket_name, report.s3_key, utf8(auditReportChunks(pages, format)), {
      contentType: auditReportContentType(format),
      acl: 'BUCKET_OWNER_FULL_CONTROL',
      ownerAccount: report.owner_account,
    });
  } catch (error) {
    const reason = `could not write s3://${report.s3_bucket_name}/${report.s3_key}: ${error instanceof Error ? error.message : String(error)}`;
    await record(context, report, { type: 'RecordAuditReportFailed', ...base, reason, now: context.now() }, meta);
    return 'FAILED';
  }
  await record(context, report, { type: 'RecordAuditReportCreated', ...base, recordCount, now: context.now(), s3BucketName: report.s3_bucket_name, s3Key: report.s3_key }, meta);
  return 'SUCCESS';
}

async function* counted(pages: AsyncIterable<AuditRecord[]>, count: (n: number) => void): AsyncGenerator<AuditRecord[]> {
  for await (const page of pages) {
    count(page.length);
    yield page;
  }
}

async function* utf8(chunks: AsyncIterable<string>): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) yield Buffer.from(chunk, 'utf8');
}

/** Records the outcome; another generator that finished first (Conflict) already did. */
async function record(context: CaContext, report: AuditReportRow, command: Parameters<typeof executeAuditReportCommand>[2], meta: { accountId: string; correlationId: string }): Promise<void> {
  try {
    await executeAuditReportCommand(context, report.certificate_authority_id, command, meta);
  } catch (error) {
    if (error instanceof DomainError && error.kind === 'Conflict') return;
    throw error;
  }
}
