import type { EventEnvelope } from '@pki/contracts';
import { AWS_PCA_EVENT_EXAMPLES, publicEventProblems, shapeDifferences } from '@pki/testing';
import { issuancePublicEvents } from './public-events';

const CA = 'arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555';
const CERT = `${CA}/certificate/7d3f`;
const envelope = (type: string, data: object, schemaVersion = 1): EventEnvelope => ({
  id: '2f1d8c5e-0000-4000-8000-000000000001', stream: 'certificate-x', version: 2, type, schemaVersion, occurredAt: '2026-12-07T10:00:00.500Z',
  correlationId: 'r', causationId: null, accountId: '444455556666', data,
});

describe('issuance-service public events', () => {
  it("makes AWS's Certificate Issuance success of CertificateIssued, in the CA's account", () => {
    const [event, ...rest] = issuancePublicEvents(envelope('CertificateIssued', { certificateArn: CERT, certificateAuthorityArn: CA, issuedAt: '2026-12-07T10:00:00.400Z' }));
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ 'detail-type': 'ACM Private CA Certificate Issuance', account: '111122223333', region: 'us-east-1', time: '2026-12-07T10:00:00Z', resources: [CA, CERT], detail: { result: 'success' } });
    expect(publicEventProblems(event)).toEqual([]);
    expect(shapeDifferences(event as never, AWS_PCA_EVENT_EXAMPLES['ACM Private CA Certificate Issuance'].success)).toEqual([]);
  });

  it('makes the failure form of CertificateIssuanceFailed', () => {
    const [event] = issuancePublicEvents(envelope('CertificateIssuanceFailed', { certificateArn: CERT, certificateAuthorityArn: CA, reason: 'signing failed', failedAt: '2026-12-07T10:00:01Z' }));
    expect(publicEventProblems(event)).toEqual([]);
    expect(shapeDifferences(event as never, AWS_PCA_EVENT_EXAMPLES['ACM Private CA Certificate Issuance'].failure)).toEqual([]);
  });

  it('makes nothing of a request, nor of versions it does not know', () => {
    expect(issuancePublicEvents(envelope('CertificateRequested', { certificateArn: CERT, certificateAuthorityArn: CA }))).toEqual([]);
    expect(issuancePublicEvents(envelope('CertificateIssued', { certificateArn: CERT, certificateAuthorityArn: CA, issuedAt: '2026-12-07T10:00:00Z' }, 2))).toEqual([]);
  });
});
