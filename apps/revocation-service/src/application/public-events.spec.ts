import type { EventEnvelope } from '@pki/contracts';
import { AWS_PCA_EVENT_EXAMPLES, publicEventProblems, shapeDifferences } from '@pki/testing';
import { revocationPublicEvents } from './public-events';

const CA = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555';
const CERT = `${CA}/certificate/7d3f`;
const envelope = (type: string, data: object): EventEnvelope => ({
  id: '2f1d8c5e-0000-4000-8000-000000000002', stream: 'revocations-x', version: 5, type, schemaVersion: 1, occurredAt: '2026-12-07T10:00:00Z',
  correlationId: 'r', causationId: null, accountId: '111122223333', data,
});

describe('revocation-service public events', () => {
  it("makes AWS's Certificate Revocation of CertificateRevoked", () => {
    const [event] = revocationPublicEvents(envelope('CertificateRevoked', { certificateArn: CERT, certificateAuthorityArn: CA, revokedAt: '2026-12-07T10:00:02Z' }));
    expect(event).toMatchObject({ resources: [CA, CERT], time: '2026-12-07T10:00:02Z', account: '111122223333' });
    expect(publicEventProblems(event)).toEqual([]);
    expect(shapeDifferences(event as never, AWS_PCA_EVENT_EXAMPLES['ACM Private CA Certificate Revocation'].success)).toEqual([]);
  });

  it("makes AWS's CRL Generation success of CrlGenerated", () => {
    const [event] = revocationPublicEvents(envelope('CrlGenerated', { certificateAuthorityArn: CA, generatedAt: '2026-12-07T10:00:03Z' }));
    expect(event).toMatchObject({ resources: [CA], detail: { result: 'success' } });
    expect(publicEventProblems(event)).toEqual([]);
    expect(shapeDifferences(event as never, AWS_PCA_EVENT_EXAMPLES['ACM Private CA CRL Generation'].success)).toEqual([]);
  });

  it.each([
    ['GENERATE', false, 'failure (generation)'],
    ['WRITE', false, 'failure (S3 internal)'],
    ['WRITE', true, 'failure (S3 permissions)'],
  ] as const)("makes AWS's CRL Generation failure of CrlGenerationFailed at %s (permission %s), with AWS's reason", (stage, permission, example) => {
    const [event] = revocationPublicEvents(envelope('CrlGenerationFailed', { certificateAuthorityArn: CA, stage, permission, reason: 'EACCES: /data/bucket', failedAt: '2026-12-07T10:00:04Z' }));
    const aws = AWS_PCA_EVENT_EXAMPLES['ACM Private CA CRL Generation'][example];
    expect(event!.detail).toEqual(aws.detail);
    expect(publicEventProblems(event)).toEqual([]);
    expect(shapeDifferences(event as never, aws)).toEqual([]);
  });
});
