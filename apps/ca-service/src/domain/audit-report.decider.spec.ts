import { deciderSpec } from '@pki/testing';
import { decideAuditReport, evolveAuditReport, initialAuditReportState, type AuditReportCommand } from './audit-report.decider';

const CA_ID = '0b9e7c5a-1111-4222-8333-444455556666';
const CA_ARN = `arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/${CA_ID}`;
const T0 = new Date('2026-11-22T10:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

const requestAt = (now: Date, auditReportId = `report-${now.getTime()}`, format: 'JSON' | 'CSV' = 'JSON'): AuditReportCommand => ({
  type: 'RequestAuditReport',
  auditReportId,
  certificateAuthorityId: CA_ID,
  certificateAuthorityArn: CA_ARN,
  ownerAccount: '111111111111',
  s3BucketName: 'audit-bucket',
  format,
  now,
});

const { given } = deciderSpec({ decide: decideAuditReport, evolve: evolveAuditReport, initialState: initialAuditReportState });

const requested = (now: Date, id: string) => given([]).when(requestAt(now, id)).events()[0]!;
const created = (id: string, now: Date) => given([requested(T0, id)]).when({ type: 'RecordAuditReportCreated', auditReportId: id, certificateAuthorityId: CA_ID, recordCount: 2, now, s3BucketName: 'audit-bucket', s3Key: `audit-report/${CA_ID}/${id}.json` }).events();
const failed = (id: string, now: Date) => given([requested(T0, id)]).when({ type: 'RecordAuditReportFailed', auditReportId: id, certificateAuthorityId: CA_ID, reason: 'bucket unreachable', now }).events();

describe('audit report decider', () => {
  it('requests a report at AWS key audit-report/<CA id>/<report id>.json|csv', () => {
    given([]).when(requestAt(T0, 'r1')).then([
      {
        type: 'AuditReportRequested',
        schemaVersion: 1,
        data: {
          auditReportId: 'r1',
          certificateAuthorityId: CA_ID,
          certificateAuthorityArn: CA_ARN,
          ownerAccount: '111111111111',
          s3BucketName: 'audit-bucket',
          s3Key: `audit-report/${CA_ID}/r1.json`,
          format: 'JSON',
          requestedAt: T0.toISOString(),
        },
      },
    ]);
    expect(given([]).when(requestAt(T0, 'r2', 'CSV')).events()[0]!.data).toMatchObject({ s3Key: `audit-report/${CA_ID}/r2.csv` });
  });

  it('refuses a second report while one is being created', () => {
    given([requested(T0, 'r1')])
      .when(requestAt(minutes(45)))
      .thenThrows({ kind: 'InProgress', code: 'RequestInProgressException', message: expect.stringContaining('r1 of this certificate authority is still being created') });
  });

  it('refuses a new report within 30 minutes of the last successful one, allows it at 30 minutes', () => {
    const history = [requested(T0, 'r1'), ...created('r1', minutes(1))];
    given(history).when(requestAt(minutes(29.99))).thenThrows({ code: 'RequestInProgressException', message: expect.stringContaining('next one can be requested at 2026-11-22T10:30:00.000Z') });
    given(history).when(requestAt(minutes(30), 'r2')).then([expect.objectContaining({ type: 'AuditReportRequested' })]);
  });

  it('does not count a failed report against the 30-minute interval', () => {
    given([requested(T0, 'r1'), ...failed('r1', minutes(1))]).when(requestAt(minutes(2), 'r2')).then([expect.objectContaining({ type: 'AuditReportRequested' })]);
  });

  it('records completion or failure once, and only of a report being created', () => {
    expect(created('r1', minutes(1))[0]).toMatchObject({ type: 'AuditReportCreated', data: { auditReportId: 'r1', recordCount: 2, createdAt: minutes(1).toISOString() } });
    expect(failed('r1', minutes(1))[0]).toMatchObject({ type: 'AuditReportFailed', data: { reason: 'bucket unreachable' } });
    const done = [requested(T0, 'r1'), ...created('r1', minutes(1))];
    given(done).when({ type: 'RecordAuditReportFailed', auditReportId: 'r1', certificateAuthorityId: CA_ID, reason: 'x', now: minutes(2) }).thenThrows({ kind: 'Conflict' });
    given([]).when({ type: 'RecordAuditReportFailed', auditReportId: 'nope', certificateAuthorityId: CA_ID, reason: 'x', now: T0 }).thenThrows({ code: 'ResourceNotFoundException' });
  });
});
