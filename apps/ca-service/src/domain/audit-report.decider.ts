import { DomainError } from '@pki/contracts';
import { auditReportKey, type AuditReportEvent, type AuditReportFormat } from './audit-report.events';

/** "You can generate a maximum of one report every 30 minutes." (CreateCertificateAuthorityAuditReport) */
export const AUDIT_REPORT_INTERVAL_MS = 30 * 60 * 1000;

export type AuditReportStatus = 'CREATING' | 'SUCCESS' | 'FAILED';

export interface AuditReportState {
  readonly reports: ReadonlyMap<string, { readonly status: AuditReportStatus; readonly requestedAt: Date; readonly certificateAuthorityArn: string }>;
}

export const initialAuditReportState: AuditReportState = { reports: new Map() };

export type AuditReportCommand =
  | {
      readonly type: 'RequestAuditReport';
      readonly auditReportId: string;
      readonly certificateAuthorityId: string;
      readonly certificateAuthorityArn: string;
      readonly ownerAccount: string;
      readonly s3BucketName: string;
      readonly format: AuditReportFormat;
      readonly now: Date;
    }
  | { readonly type: 'RecordAuditReportCreated'; readonly auditReportId: string; readonly certificateAuthorityId: string; readonly recordCount: number; readonly now: Date; readonly s3BucketName: string; readonly s3Key: string }
  | { readonly type: 'RecordAuditReportFailed'; readonly auditReportId: string; readonly certificateAuthorityId: string; readonly reason: string; readonly now: Date };

/**
 * Whether a new report may be requested now: not while one is still being created, and not
 * within 30 minutes of the last one that did not fail (a failed report wrote nothing, so it
 * does not use up the interval).
 */
export function nextReportAllowedAt(state: AuditReportState): Date | undefined {
  let latest: Date | undefined;
  for (const report of state.reports.values()) {
    if (report.status === 'FAILED') continue;
    if (!latest || report.requestedAt > latest) latest = report.requestedAt;
  }
  return latest && new Date(latest.getTime() + AUDIT_REPORT_INTERVAL_MS);
}

function request(command: Extract<AuditReportCommand, { type: 'RequestAuditReport' }>, state: AuditReportState): AuditReportEvent[] {
  const creating = [...state.reports.entries()].find(([, report]) => report.status === 'CREATING');
  if (creating) {
    throw new DomainError('InProgress', `Audit report ${creating[0]} of this certificate authority is still being created; wait for it to finish before requesting another.`, 'RequestInProgressException');
  }
  const allowedAt = nextReportAllowedAt(state);
  if (allowedAt && command.now < allowedAt) {
    throw new DomainError(
      'InProgress',
      `An audit report can be generated at most once every 30 minutes per certificate authority; the next one can be requested at ${allowedAt.toISOString()}.`,
      'RequestInProgressException',
    );
  }
  return [
    {
      type: 'AuditReportRequested',
      schemaVersion: 1,
      data: {
        auditReportId: command.auditReportId,
        certificateAuthorityId: command.certificateAuthorityId,
        certificateAuthorityArn: command.certificateAuthorityArn,
        ownerAccount: command.ownerAccount,
        s3BucketName: command.s3BucketName,
        s3Key: auditReportKey(command.certificateAuthorityId, command.auditReportId, command.format),
        format: command.format,
        requestedAt: command.now.toISOString(),
      },
    },
  ];
}

/** The report's CA ARN, for its outcome's event (so the public event is in the CA's region). */
function requireCreating(state: AuditReportState, auditReportId: string): { readonly certificateAuthorityArn: string } {
  const report = state.reports.get(auditReportId);
  if (!report) throw new DomainError('NotFound', `Audit report ${auditReportId} does not exist.`, 'ResourceNotFoundException');
  if (report.status !== 'CREATING') throw new DomainError('Conflict', `Audit report ${auditReportId} is already ${report.status}.`);
  return { certificateAuthorityArn: report.certificateAuthorityArn };
}

export function decideAuditReport(command: AuditReportCommand, state: AuditReportState): AuditReportEvent[] {
  switch (command.type) {
    case 'RequestAuditReport':
      return request(command, state);
    case 'RecordAuditReportCreated': {
      const { certificateAuthorityArn } = requireCreating(state, command.auditReportId);
      return [
        {
          type: 'AuditReportCreated',
          schemaVersion: 1,
          data: {
            auditReportId: command.auditReportId,
            certificateAuthorityId: command.certificateAuthorityId,
            s3BucketName: command.s3BucketName,
            s3Key: command.s3Key,
            recordCount: command.recordCount,
            createdAt: command.now.toISOString(),
            certificateAuthorityArn,
          },
        },
      ];
    }
    case 'RecordAuditReportFailed': {
      const { certificateAuthorityArn } = requireCreating(state, command.auditReportId);
      return [
        {
          type: 'AuditReportFailed',
          schemaVersion: 1,
          data: { auditReportId: command.auditReportId, certificateAuthorityId: command.certificateAuthorityId, reason: command.reason, failedAt: command.now.toISOString(), certificateAuthorityArn },
        },
      ];
    }
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown command ${String((exhaustive as { type: string }).type)}`);
    }
  }
}

export function evolveAuditReport(state: AuditReportState, event: AuditReportEvent): AuditReportState {
  const reports = new Map(state.reports);
  switch (event.type) {
    case 'AuditReportRequested':
      reports.set(event.data.auditReportId, { status: 'CREATING', requestedAt: new Date(event.data.requestedAt), certificateAuthorityArn: event.data.certificateAuthorityArn });
      return { reports };
    case 'AuditReportCreated':
    case 'AuditReportFailed': {
      const report = reports.get(event.data.auditReportId);
      if (report) reports.set(event.data.auditReportId, { ...report, status: event.type === 'AuditReportCreated' ? 'SUCCESS' : 'FAILED' });
      return { reports };
    }
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${String((exhaustive as { type: string }).type)}`);
    }
  }
}
