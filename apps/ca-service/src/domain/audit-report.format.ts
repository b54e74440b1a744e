import type { AuditReportFormat } from './audit-report.events';

/** One certificate in an audit report, with AWS's fields (PcaAuditReport.md). */
export interface AuditRecord {
  readonly awsAccountId: string;
  readonly requestedByServicePrincipal: string | null;
  readonly certificateArn: string;
  /** Lowercase hex without separators, as the certificate events carry it. */
  readonly serial: string;
  readonly subject: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly issuedAt: Date;
  readonly revokedAt: Date | null;
  readonly revocationReason: string | null;
  readonly templateArn: string;
}

/** AWS's column order, which is also the CSV header line. */
export const AUDIT_REPORT_FIELDS = [
  'awsAccountId',
  'requestedByServicePrincipal',
  'certificateArn',
  'serial',
  'subject',
  'notBefore',
  'notAfter',
  'issuedAt',
  'revokedAt',
  'revocationReason',
  'templateArn',
] as const;

/** `00:11:22:...:ff`: the serial as colon-separated lowercase hex octets. */
export function formatSerial(hex: string): string {
  const clean = hex.toLowerCase();
  if (!/^[0-9a-f]+$/.test(clean)) throw new Error(`serial ${JSON.stringify(hex)} is not hexadecimal`);
  const even = clean.length % 2 === 1 ? `0${clean}` : clean;
  return even.match(/../g)!.join(':');
}

/** `2020-03-02T21:43:57+0000`: UTC, whole seconds, numeric offset without a colon. */
export function formatTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+0000`;
}

/** The report's fields as strings, absent members left out (as AWS's JSON report omits them). */
function fields(record: AuditRecord): Partial<Record<(typeof AUDIT_REPORT_FIELDS)[number], string>> {
  return {
    awsAccountId: record.awsAccountId,
    ...(record.requestedByServicePrincipal !== null ? { requestedByServicePrincipal: record.requestedByServicePrincipal } : {}),
    certificateArn: record.certificateArn,
    serial: formatSerial(record.serial),
    subject: record.subject,
    notBefore: formatTimestamp(record.notBefore),
    notAfter: formatTimestamp(record.notAfter),
    issuedAt: formatTimestamp(record.issuedAt),
    ...(record.revokedAt !== null ? { revokedAt: formatTimestamp(record.revokedAt) } : {}),
    ...(record.revocationReason !== null ? { revocationReason: record.revocationReason } : {}),
    templateArn: record.templateArn,
  };
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, and its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function formatCsv(records: readonly AuditRecord[]): string {
  const lines = [AUDIT_REPORT_FIELDS.join(',')];
  for (const record of records) {
    const values = fields(record);
    lines.push(AUDIT_REPORT_FIELDS.map((name) => csvField(values[name] ?? '')).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function formatJson(records: readonly AuditRecord[]): string {
  return JSON.stringify(records.map(fields), null, 3);
}

export function auditReportContentType(format: AuditReportFormat): string {
  return format === 'JSON' ? 'application/json' : 'text/csv';
}

export function formatAuditReport(records: readonly AuditRecord[], format: AuditReportFormat): { body: string; contentType: string } {
  return { body: format === 'JSON' ? formatJson(records) : formatCsv(records), contentType: auditReportContentType(format) };
}

/**
 * The report's body piece by piece, one piece per page of records: the same text as
 * `formatAuditReport` of all the records, without ever holding it whole (a million certificates
 * make a JSON report of ~600 MB, longer than a JavaScript string may be).
 */
export async function* auditReportChunks(pages: AsyncIterable<readonly AuditRecord[]>, format: AuditReportFormat): AsyncGenerator<string> {
  if (format === 'CSV') {
    yield `${AUDIT_REPORT_FIELDS.join(',')}\r\n`;
    for await (const page of pages) {
      let chunk = '';
      for (const record of page) {
        const values = fields(record);
        chunk += `${AUDIT_REPORT_FIELDS.map((name) => csvField(values[name] ?? '')).join(',')}\r\n`;
      }
      if (chunk) yield chunk;
    }
    return;
  }
  // JSON.stringify(records, null, 3): each element is its own stringify, indented one level deeper.
  let first = true;
  yield '[';
  for await (const page of pages) {
    let chunk = '';
    for (const record of page) {
      chunk += `${first ? '\n' : ',\n'}${JSON.stringify(fields(record), null, 3).replace(/^/gm, '   ')}`;
      first = false;
    }
    if (chunk) yield chunk;
  }
  yield first ? ']' : '\n]';
}
