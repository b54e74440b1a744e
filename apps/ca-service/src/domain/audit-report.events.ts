/**
 * Events of a CA's audit reports (stream `audit-reports-<CA id>`: one stream per CA, so the
 * "one report per 30 minutes" rule is decided against every report of that CA under
 * optimistic concurrency). Version 1 of each; published like every ca-service event.
 */
export type AuditReportFormat = 'JSON' | 'CSV';

/** `AuditReportRequested` v1: CreateCertificateAuthorityAuditReport accepted; status CREATING. */
export interface AuditReportRequestedV1 {
  readonly auditReportId: string;
  readonly certificateAuthorityId: string;
  readonly certificateAuthorityArn: string;
  /** The CA's account: the report object belongs to it. */
  readonly ownerAccount: string;
  readonly s3BucketName: string;
  readonly s3Key: string;
  readonly format: AuditReportFormat;
  /** Also the report's cut-off: it lists what was issued or revoked up to this instant. */
  readonly requestedAt: string;
}

/** `AuditReportCreated` v1: the object is written; status SUCCESS. */
export interface AuditReportCreatedV1 {
  readonly auditReportId: string;
  readonly certificateAuthorityId: string;
  readonly s3BucketName: string;
  readonly s3Key: string;
  readonly recordCount: number;
  readonly createdAt: string;
  /**
   * The CA's ARN (its region is the event's, for the public feed). Optional: events recorded
   * before it was added carry none (the CA is then taken to be of the default region).
   */
  readonly certificateAuthorityArn?: string;
}

/** `AuditReportFailed` v1: the object could not be written; status FAILED. */
export interface AuditReportFailedV1 {
  readonly auditReportId: string;
  readonly certificateAuthorityId: string;
  readonly reason: string;
  readonly failedAt: string;
  /**
   * The CA's ARN (its region is the event's, for the public feed). Optional: events recorded
   * before it was added carry none (the CA is then taken to be of the default region).
   */
  readonly certificateAuthorityArn?: string;
}

type Event<T extends string, D> = { readonly type: T; readonly schemaVersion: 1; readonly data: D };
export type AuditReportRequested = Event<'AuditReportRequested', AuditReportRequestedV1>;
export type AuditReportCreated = Event<'AuditReportCreated', AuditReportCreatedV1>;
export type AuditReportFailed = Event<'AuditReportFailed', AuditReportFailedV1>;
export type AuditReportEvent = AuditReportRequested | AuditReportCreated | AuditReportFailed;

export const auditReportStream = (certificateAuthorityId: string): string => `audit-reports-${certificateAuthorityId}`;

/** AWS: `bucket-name/audit-report/CA_ID/UUID.[json|csv]` (PcaAuditReport.md). */
export const auditReportKey = (certificateAuthorityId: string, auditReportId: string, format: AuditReportFormat): string =>
  `audit-report/${certificateAuthorityId}/${auditReportId}.${format === 'JSON' ? 'json' : 'csv'}`;
