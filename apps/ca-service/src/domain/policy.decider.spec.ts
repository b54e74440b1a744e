import { deciderSpec } from '@pki/testing';
import { decidePolicy, evolvePolicy, initialPolicyState, type PolicyCommand } from './policy.decider';

const caId = '11111111-2222-3333-4444-555555555555';
const caArn = `arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/${caId}`;
const now = new Date('2026-11-22T10:00:00.000Z');
const ca = { certificateAuthorityId: caId, caArn, ownerAccount: '111111111111', caStatus: 'PENDING_CERTIFICATE', now };
const policyFor = (effect: string, account: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: effect, Principal: { AWS: account }, Action: 'acm-pca:DescribeCertificateAuthority', Resource: caArn }] });
const POLICY = policyFor('Allow', '222222222222');

const put = (policy = POLICY, overrides: Partial<typeof ca> = {}): PolicyCommand => ({ type: 'PutPolicy', ...ca, ...overrides, policy });
const del = (overrides: Partial<typeof ca> = {}): PolicyCommand => ({ type: 'DeletePolicy', ...ca, ...overrides });
const { given, history } = deciderSpec({ decide: decidePolicy, evolve: evolvePolicy, initialState: initialPolicyState });

describe('policy decider', () => {
  it('given no policy, when PutPolicy, then PolicyPut with the exact document', () => {
    given([])
      .when(put())
      .then([
        { type: 'PolicyPut', schemaVersion: 1, data: { certificateAuthorityId: caId, certificateAuthorityArn: caArn, ownerAccount: '111111111111', policy: POLICY, putAt: now.toISOString() } },
      ]);
    expect(given([]).when(put()).state()).toEqual({ status: 'Attached', policy: POLICY });
  });

  it('given a policy, when PutPolicy with another document, then it replaces it; the same document changes nothing', () => {
    const other = policyFor('Allow', '333333333333');
    expect(given(history(put())).when(put(other)).state()).toEqual({ status: 'Attached', policy: other });
    given(history(put())).when(put()).then([]);
  });

  it('when PutPolicy with an invalid document, then InvalidPolicyException and no event', () => {
    given([]).when(put('{"Version":"2012-10-17"}')).thenThrows({ code: 'InvalidPolicyException', message: /no Statement/ });
  });

  it('when PutPolicy denies the owner, then LockoutPreventedException', () => {
    given([])
      .when(put(policyFor('Deny', '111111111111')))
      .thenThrows({ code: 'LockoutPreventedException', message: /denies the CA's own account 111111111111 acm-pca:DescribeCertificateAuthority/ });
    // Denying another account is fine.
    expect(given([]).when(put(policyFor('Deny', '222222222222'))).events()).toHaveLength(1);
  });

  it.each(['CREATING', 'PENDING_CERTIFICATE', 'ACTIVE', 'DISABLED', 'EXPIRED'])('accepts PutPolicy and DeletePolicy on a %s CA', (caStatus) => {
    expect(given(history(put())).when(put(policyFor('Allow', '333333333333'), { caStatus })).events()).toHaveLength(1);
    expect(given(history(put())).when(del({ caStatus })).events()).toHaveLength(1);
  });

  it.each(['DELETED', 'FAILED'])('refuses PutPolicy and DeletePolicy on a %s CA with InvalidStateException', (caStatus) => {
    for (const command of [put(POLICY, { caStatus }), del({ caStatus })]) {
      given(history(put())).when(command).thenThrows({ code: 'InvalidStateException', message: expect.stringContaining(`certificate authority ${caArn} is ${caStatus}`) });
    }
  });

  it('given a policy, when DeletePolicy, then PolicyDeleted; given none, nothing (AWS answers success)', () => {
    given(history(put()))
      .when(del())
      .then([{ type: 'PolicyDeleted', schemaVersion: 1, data: { certificateAuthorityId: caId, certificateAuthorityArn: caArn, ownerAccount: '111111111111', deletedAt: now.toISOString() } }]);
    expect(given(history(put())).when(del()).state()).toEqual({ status: 'NoPolicy' });
    given([]).when(del()).then([]);
  });
});
