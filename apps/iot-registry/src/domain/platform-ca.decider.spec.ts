import { IOT_EVENT_TYPES } from '@pki/contracts';
import { deciderSpec } from '@pki/testing';
import { caStep, decidePlatformCa, evolvePlatformCa, initialPlatformCaState, type PlatformCaCommand } from './platform-ca.decider';

const T0 = new Date('2026-12-09T10:00:00Z');
const ROOT = 'arn:aws:acm-pca:us-east-1:000000000001:certificate-authority/11111111-1111-4111-8111-111111111111';
const ISSUING = 'arn:aws:acm-pca:us-east-1:000000000001:certificate-authority/22222222-2222-4222-8222-222222222222';
const OTHER = 'arn:aws:acm-pca:us-east-1:000000000001:certificate-authority/33333333-3333-4333-8333-333333333333';

const { given, history } = deciderSpec({ decide: decidePlatformCa, evolve: evolvePlatformCa, initialState: initialPlatformCaState });

const root = (caArn = ROOT): PlatformCaCommand => ({ type: 'RecordRootCa', caArn, now: T0 });
const issuing = (caArn = ISSUING): PlatformCaCommand => ({ type: 'RecordIssuingCa', caArn, now: T0 });
const complete: PlatformCaCommand = { type: 'CompleteProvisioning', rootCertificatePem: 'ROOT PEM', issuingCertificatePem: 'ISSUING PEM', now: T0 };

describe('platform IoT CA decider', () => {
  it('records the root, then the issuing CA, then the provisioned hierarchy with both certificates', () => {
    given([]).when(root()).then([{ type: IOT_EVENT_TYPES.PlatformRootCaCreated, schemaVersion: 1, data: { caArn: ROOT, createdAt: T0.toISOString() } }]);
    given(history(root())).when(issuing()).then([{ type: IOT_EVENT_TYPES.PlatformIssuingCaCreated, schemaVersion: 1, data: { caArn: ISSUING, createdAt: T0.toISOString() } }]);
    given(history(root(), issuing()))
      .when(complete)
      .then([
        {
          type: IOT_EVENT_TYPES.PlatformCaProvisioned,
          schemaVersion: 1,
          data: { rootCaArn: ROOT, issuingCaArn: ISSUING, rootCertificatePem: 'ROOT PEM', issuingCertificatePem: 'ISSUING PEM', provisionedAt: T0.toISOString() },
        },
      ]);
    expect(given(history(root(), issuing(), complete)).state).toEqual({ status: 'Provisioned', rootCaArn: ROOT, issuingCaArn: ISSUING, rootCertificatePem: 'ROOT PEM', issuingCertificatePem: 'ISSUING PEM' });
  });

  it('a step recorded again (a replica resuming) changes nothing; provisioning completes once', () => {
    given(history(root())).when(root()).then([]);
    given(history(root(), issuing())).when(root()).then([]);
    given(history(root(), issuing())).when(issuing()).then([]);
    given(history(root(), issuing(), complete)).when(complete).then([]);
    given(history(root(), issuing(), complete)).when(issuing()).then([]);
  });

  it('never a second root or issuing CA, and no step out of order', () => {
    given(history(root())).when(root(OTHER)).thenThrows({ message: /the root CA is already .*11111111/ });
    given(history(root(), issuing())).when(issuing(OTHER)).thenThrows({ message: /the issuing CA is already .*22222222/ });
    given([]).when(issuing()).thenThrows({ message: /before the root CA/ });
    given([]).when(complete).thenThrows({ message: /cannot complete in state None/ });
    given(history(root())).when(complete).thenThrows({ message: /cannot complete in state RootCreated/ });
  });

  it('what provisioning does with each CA status: wait, certify, done, or stop (nothing repaired behind an operator)', () => {
    expect(caStep('CREATING')).toBe('wait');
    expect(caStep('PENDING_CERTIFICATE')).toBe('certify');
    expect(caStep('ACTIVE')).toBe('done');
    for (const status of ['DISABLED', 'EXPIRED', 'FAILED', 'DELETED', 'ABSENT'] as const) expect(caStep(status)).toBe('broken');
  });
});
