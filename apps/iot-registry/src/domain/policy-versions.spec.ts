import { IOT_EVENT_TYPES } from '@pki/contracts';
import { deciderSpec } from '@pki/testing';
import { decidePolicy, evolvePolicy, initialPolicyState, type PolicyCommand } from './policy.decider';

const A = '111111111111';
const T0 = new Date('2026-11-23T10:00:00Z');
const T1 = new Date('2026-11-23T11:00:00Z');
const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

const { given, history } = deciderSpec({ decide: decidePolicy, evolve: evolvePolicy, initialState: initialPolicyState });
const create: PolicyCommand = { type: 'CreatePolicy', accountId: A, policyName: 'p', policyArn: `arn:aws:iot:us-east-1:${A}:policy/p`, policyDocument: doc('iot:Connect'), tags: [], generationId: 'g1', now: T0 };
const version = (action: string, setAsDefault = false, generationId = 'g2'): PolicyCommand => ({
  type: 'CreatePolicyVersion',
  accountId: A,
  policyName: 'p',
  policyDocument: doc(action),
  setAsDefault,
  generationId,
  now: T1,
});
const remove = (policyVersionId: string): PolicyCommand => ({ type: 'DeletePolicyVersion', accountId: A, policyName: 'p', policyVersionId, now: T1 });
const setDefault = (policyVersionId: string): PolicyCommand => ({ type: 'SetDefaultPolicyVersion', accountId: A, policyName: 'p', policyVersionId, generationId: 'g3', now: T1 });
const deletePolicy: PolicyCommand = { type: 'DeletePolicy', accountId: A, policyName: 'p', now: T1 };

describe('policy versions', () => {
  it('CreatePolicyVersion numbers versions from 2; setAsDefault makes its document the policy\'s', () => {
    const two = given(history(create, version('iot:Publish')));
    expect(two.state).toMatchObject({ defaultVersionId: '1', policyDocument: doc('iot:Connect'), versions: [{ versionId: '1' }, { versionId: '2', document: doc('iot:Publish') }] });
    const three = given(history(create, version('iot:Publish'), version('iot:Receive', true, 'g9')));
    expect(three.state).toMatchObject({ defaultVersionId: '3', policyDocument: doc('iot:Receive'), generationId: 'g9', lastModifiedDate: T1.toISOString() });
  });

  it('at most five versions (VersionsLimitExceededException); ids are not reused after a delete', () => {
    const five = given(history(create, version('a:1'), version('a:2'), version('a:3'), version('a:4')));
    five.when(version('a:5')).thenThrows({ code: 'VersionsLimitExceededException', message: /maximum of 5 versions/ });
    const after = given(history(create, version('a:1'), version('a:2'), version('a:3'), version('a:4'), remove('5')));
    expect(after.when(version('a:5')).events()[0]).toMatchObject({ type: IOT_EVENT_TYPES.PolicyVersionCreated, data: { policyVersionId: '6', isDefaultVersion: false } });
    given(history(create)).when({ ...version('x'), policyDocument: '{' } as PolicyCommand).thenThrows({ code: 'MalformedPolicyException' });
    given([]).when(version('a:1')).thenThrows({ code: 'ResourceNotFoundException' });
  });

  it('DeletePolicyVersion refuses the default version (DeleteConflictException) and unknown ones (ResourceNotFoundException)', () => {
    const two = given(history(create, version('iot:Publish')));
    two.when(remove('1')).thenThrows({ code: 'DeleteConflictException', message: /default version/ });
    two.when(remove('7')).thenThrows({ code: 'ResourceNotFoundException' });
    expect(two.when(remove('2')).events().map((e) => e.type)).toEqual([IOT_EVENT_TYPES.PolicyVersionDeleted]);
  });

  it('SetDefaultPolicyVersion switches the document; the current default again changes nothing', () => {
    const switched = given(history(create, version('iot:Publish'), setDefault('2')));
    expect(switched.state).toMatchObject({ defaultVersionId: '2', policyDocument: doc('iot:Publish'), generationId: 'g3' });
    switched.when(setDefault('2')).then([]);
    switched.when(setDefault('9')).thenThrows({ code: 'ResourceNotFoundException' });
    // Version 1 is no longer the default: it can be deleted.
    expect(switched.when(remove('1')).events()).toHaveLength(1);
  });

  it('DeletePolicy is refused while non-default versions exist', () => {
    given(history(create, version('iot:Publish'))).when(deletePolicy).thenThrows({ code: 'DeleteConflictException', message: /non-default versions \(2\)/ });
    expect(given(history(create, version('iot:Publish'), remove('2'))).when(deletePolicy).events().map((e) => e.type)).toEqual([IOT_EVENT_TYPES.PolicyDeleted]);
  });
});
