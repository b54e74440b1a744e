import { DomainError } from '@pki/contracts';
import { decidePolicy, evolvePolicy, initialPolicyState, type PolicyCommand, type PolicyState } from './policy.decider';
import type { PolicyEvent } from './policy.events';

const caId = '11111111-2222-3333-4444-555555555555';
const caArn = `arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/${caId}`;
const now = new Date('2026-11-22T10:00:00.000Z');
const ca = { certificateAuthorityId: caId, caArn, ownerAccount: '111111111111', caStatus: 'PENDING_CERTIFICATE', now };
const policyFor = (effect: string, account: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Principal: { AWS: account }, Action: 'acm-pca:DescribeCertificateAuthority', Resource: caArn }] });
const POLICY = policyFor('Allow', '222222222222');

const put = (policy = POLICY, overrides: Partial<typeof ca> = {}): PolicyCommand => ({ type: 'PutPolicy', ...ca, ...overrides, policy });
const del = (overrides: Partial<typeof ca> = {}): PolicyCommand => ({ type: 'DeletePolicy', ...ca, ...overrides });
const given = (events: PolicyEvent[]): PolicyState => events.reduce(evolvePolicy, initialPolicyState);

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('policy decider', () => {
  it('given no policy, when PutPolicy, then PolicyPut with the exact document', () => {
    const events = decidePolicy(put(), initialPolicyState);
    expect(events).toEqual([
      { type: 'PolicyPut', schemaVersion: 1, data: { certificateAuthorityId: caId, certificateAuthorityArn: caArn, ownerAccount: '111111111111', policy: POLICY, putAt: now.toISOString() } },
    ]);
    expect(given(events)).toEqual({ status: 'Attached', policy: POLICY });
  });

  it('given a policy, when PutPolicy with another document, then it replaces it; the same document changes nothing', () => {
    const state = given(decidePolicy(put(), initialPolicyState));
    const other = policyFor('Allow', '333333333333');
    expect(given([...decidePolicy(put(), initialPolicyState), ...decidePolicy(put(other), state)])).toEqual({ status: 'Attached', policy: other });
    expect(decidePolicy(put(), state)).toEqual([]);
  });

  it('when PutPolicy with an invalid document, then InvalidPolicyException and no event', () => {
    const error = errorOf(() => decidePolicy(put('{"Version":"2012-10-17"}'), initialPolicyState));
    expect(error.code).toBe('InvalidPolicyException');
    expect(error.message).toMatch(/no Statement/);
  });

  it('when PutPolicy denies the owner, then LockoutPreventedException', () => {
    const error = errorOf(() => decidePolicy(put(policyFor('Deny', '111111111111')), initialPolicyState));
    expect(error.code).toBe('LockoutPreventedException');
    expect(error.message).toMatch(/denies the CA's own account 111111111111 acm-pca:DescribeCertificateAuthority/);
    // Denying another account is fine.
    expect(decidePolicy(put(policyFor('Deny', '222222222222')), initialPolicyState)).toHaveLength(1);
  });

  it.each(['CREATING', 'PENDING_CERTIFICATE', 'ACTIVE', 'DISABLED', 'EXPIRED'])('accepts PutPolicy and DeletePolicy on a %s CA', (caStatus) => {
    const state = given(decidePolicy(put(), initialPolicyState));
    expect(decidePolicy(put(policyFor('Allow', '333333333333'), { caStatus }), state)).toHaveLength(1);
    expect(decidePolicy(del({ caStatus }), state)).toHaveLength(1);
  });

  it.each(['DELETED', 'FAILED'])('refuses PutPolicy and DeletePolicy on a %s CA with InvalidStateException', (caStatus) => {
    const state = given(decidePolicy(put(), initialPolicyState));
    for (const command of [put(POLICY, { caStatus }), del({ caStatus })]) {
      const error = errorOf(() => decidePolicy(command, state));
      expect(error.code).toBe('InvalidStateException');
      expect(error.message).toContain(`certificate authority ${caArn} is ${caStatus}`);
    }
  });

  it('given a policy, when DeletePolicy, then PolicyDeleted; given none, nothing (AWS answers success)', () => {
    const state = given(decidePolicy(put(), initialPolicyState));
    const events = decidePolicy(del(), state);
    expect(events).toEqual([{ type: 'PolicyDeleted', schemaVersion: 1, data: { certificateAuthorityId: caId, certificateAuthorityArn: caArn, ownerAccount: '111111111111', deletedAt: now.toISOString() } }]);
    expect(events.reduce(evolvePolicy, state)).toEqual({ status: 'NoPolicy' });
    expect(decidePolicy(del(), initialPolicyState)).toEqual([]);
  });
});
