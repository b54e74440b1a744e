import type { EventEnvelope } from '@pki/contracts';
import { AWS_PCA_EVENT_EXAMPLES, publicEventProblems, shapeDifferences } from '@pki/testing';
import { caPublicEvents } from './public-events';

const ID = '11111111-2222-3333-4444-555555555555';
const CA = `arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/${ID}`;
const REPORT = '9ae0ee34-0c5f-4bb5-89a3-6cba7a0bd5d2';
const context = { region: 'us-east-1' };
const envelope = (type: string, data: object): EventEnvelope => ({
  id: '2f1d8c5e-0000-4000-8000-000000000003', stream: `ca-${ID}`, version: 2, type, schemaVersion: 1, occurredAt: '2026-12-07T10:00:00Z',
  correlationId: 'r', causationId: null, accountId: '111122223333', data,
});

describe('ca-service public events', () => {
  it.each([
    ['CsrCreated', { arn: CA, createdAt: '2026-12-07T10:00:00Z' }, 'ACM Private CA Creation', 'success'],
    ['CertificateAuthorityCreationFailed', { arn: CA, failedAt: '2026-12-07T10:00:00Z' }, 'ACM Private CA Creation', 'failure'],
    ['AuditReportCreated', { certificateAuthorityId: ID, auditReportId: REPORT, createdAt: '2026-12-07T10:00:00Z' }, 'ACM Private CA Audit Report Generation', 'success'],
    ['AuditReportFailed', { certificateAuthorityId: ID, auditReportId: REPORT, failedAt: '2026-12-07T10:00:00Z' }, 'ACM Private CA Audit Report Generation', 'failure'],
  ] as const)("makes AWS's event of %s", (type, data, detailType, form) => {
    const events = caPublicEvents(envelope(type, data), context);
    expect(events).toHaveLength(1);
    expect(publicEventProblems(events[0])).toEqual([]);
    const examples = AWS_PCA_EVENT_EXAMPLES[detailType] as Record<string, Record<string, unknown>>;
    expect(shapeDifferences(events[0] as never, examples[form]!)).toEqual([]);
    expect(events[0]!.resources[0]).toBe(CA);
  });

  it("puts an audit report's event in its CA's region (the CA ARN its outcome carries; none: the default region)", () => {
    const euCa = CA.replace(':us-east-1:', ':eu-west-1:');
    const [created] = caPublicEvents(envelope('AuditReportCreated', { certificateAuthorityId: ID, auditReportId: REPORT, createdAt: '2026-12-07T10:00:00Z', certificateAuthorityArn: euCa }), context);
    expect(created).toMatchObject({ region: 'eu-west-1', resources: [euCa, REPORT] });
    const [failed] = caPublicEvents(envelope('AuditReportFailed', { certificateAuthorityId: ID, auditReportId: REPORT, failedAt: '2026-12-07T10:00:00Z', certificateAuthorityArn: euCa }), context);
    expect(failed).toMatchObject({ region: 'eu-west-1', resources: [euCa, REPORT] });
  });

  it.each([
    ['StatusChanged', { arn: CA, status: 'DISABLED', previousStatus: 'ACTIVE', changedAt: '2026-12-07T10:00:00Z' }, { status: 'DISABLED', previousStatus: 'ACTIVE', change: 'DISABLED' }],
    ['StatusChanged', { arn: CA, status: 'ACTIVE', previousStatus: 'DISABLED', changedAt: '2026-12-07T10:00:00Z' }, { status: 'ACTIVE', previousStatus: 'DISABLED', change: 'ENABLED' }],
    ['CertificateAuthorityDeleted', { arn: CA, previousStatus: 'ACTIVE', deletedAt: '2026-12-07T10:00:00Z' }, { status: 'DELETED', previousStatus: 'ACTIVE', change: 'DELETED' }],
    ['CertificateAuthorityRestored', { arn: CA, status: 'DISABLED', restoredAt: '2026-12-07T10:00:00Z' }, { status: 'DISABLED', previousStatus: 'DELETED', change: 'RESTORED' }],
    ['CertificateAuthorityExpired', { arn: CA, previousStatus: 'ACTIVE', expiredAt: '2026-12-07T10:00:00Z' }, { status: 'EXPIRED', previousStatus: 'ACTIVE', change: 'EXPIRED' }],
    ['CertificateAuthorityPermanentlyDeleted', { arn: CA, permanentlyDeletedAt: '2026-12-07T10:00:00Z' }, { status: null, previousStatus: 'DELETED', change: 'PERMANENTLY_DELETED' }],
  ])("makes the platform's Private CA Status Change of %s", (type, data, detail) => {
    const [event] = caPublicEvents(envelope(type, data), context);
    expect(event).toMatchObject({ source: 'pki.acm-pca', 'detail-type': 'Private CA Status Change', resources: [CA], detail });
    expect(publicEventProblems(event)).toEqual([]);
  });

  it('makes nothing of what subscribers have no event for', () => {
    for (const type of ['CertificateAuthorityCreated', 'Tagged', 'CaKeyUsed', 'PolicyPut', 'AuditReportRequested']) expect(caPublicEvents(envelope(type, { arn: CA }), context)).toEqual([]);
  });
});
