import { IOT_EVENT_TYPES } from '@pki/contracts';
import { checkPolicyDocument, decidePolicy, evolvePolicy, initialPolicyState, type PolicyCommand, type PolicyEvent, type PolicyState } from './policy.decider';
import { errorOf } from './error-of.spec-helper';

const A = '111111111111';
const T0 = new Date('2026-11-23T10:00:00Z');
const CERT = 'c'.repeat(64);
const TARGET = `arn:aws:iot:us-east-1:${A}:cert/${CERT}`;
const DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }] });

const given = (events: PolicyEvent[]): PolicyState => events.reduce(evolvePolicy, initialPolicyState);
const create = (policyDocument = DOCUMENT): PolicyCommand => ({
  type: 'CreatePolicy',
  accountId: A,
  policyName: 'connect',
  policyArn: `arn:aws:iot:us-east-1:${A}:policy/connect`,
  policyDocument,
  tags: [],
  generationId: 'g1',
  now: T0,
});

describe('policy decider', () => {
  it('creates version "1" once; the name again is ResourceAlreadyExistsException', () => {
    const events = decidePolicy(create(), initialPolicyState);
    expect(given(events)).toMatchObject({ status: 'Exists', policyDocument: DOCUMENT, defaultVersionId: '1', generationId: 'g1', targets: [] });
    expect(errorOf(() => decidePolicy(create(), given(events))).code).toBe('ResourceAlreadyExistsException');
    expect(errorOf(() => decidePolicy(create(), given(events))).toServiceError().fields).toEqual({ resourceId: 'connect', resourceArn: `arn:aws:iot:us-east-1:${A}:policy/connect` });
  });

  it('refuses documents that are not JSON policies with MalformedPolicyException', () => {
    for (const bad of ['not json', '[]', '{}', '{"Statement":[{"Effect":"Maybe","Action":"iot:*","Resource":"*"}]}', '{"Version":"2000-01-01","Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}', '{"Statement":{"Effect":"Allow","Resource":"*"}}', ' ', `{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"${'x'.repeat(2100)}"}}`]) {
      expect(errorOf(() => checkPolicyDocument(bad)).code).toBe('MalformedPolicyException');
    }
    expect(() => checkPolicyDocument('{ "Statement": { "Effect": "Deny", "Action": ["iot:Publish"], "Resource": ["*"] } }')).not.toThrow();
    expect(errorOf(() => decidePolicy(create('{'), initialPolicyState)).message).toMatch(/not valid JSON/);
  });

  it('DeletePolicy while attached is DeleteConflictException; after detaching it deletes', () => {
    const created = decidePolicy(create(), initialPolicyState);
    const attach: PolicyCommand = { type: 'AttachTarget', accountId: A, policyName: 'connect', target: TARGET, certificateId: CERT, now: T0 };
    const attached = [...created, ...decidePolicy(attach, given(created))];
    expect(decidePolicy(attach, given(attached))).toEqual([]);
    expect(errorOf(() => decidePolicy({ type: 'DeletePolicy', accountId: A, policyName: 'connect', now: T0 }, given(attached)))).toMatchObject({
      code: 'DeleteConflictException',
      message: expect.stringMatching(/attached to one or more principals \(name=connect\)/),
    });
    const detached = [...attached, ...decidePolicy({ type: 'DetachTarget', accountId: A, policyName: 'connect', certificateId: CERT, now: T0 }, given(attached))];
    expect(given(detached)).toMatchObject({ targets: [] });
    expect(decidePolicy({ type: 'DeletePolicy', accountId: A, policyName: 'connect', now: T0 }, given(detached)).map((e) => e.type)).toEqual([IOT_EVENT_TYPES.PolicyDeleted]);
    expect(errorOf(() => decidePolicy({ type: 'DeletePolicy', accountId: A, policyName: 'connect', now: T0 }, initialPolicyState)).code).toBe('ResourceNotFoundException');
    expect(errorOf(() => decidePolicy({ type: 'DetachTarget', accountId: A, policyName: 'connect', certificateId: CERT, now: T0 }, initialPolicyState)).code).toBe('InvalidRequestException');
  });
});
