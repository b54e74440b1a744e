import { IOT_EVENT_TYPES } from '@pki/contracts';
import { deciderSpec, errorOf } from '@pki/testing';
import { checkPolicyDocument, decidePolicy, evolvePolicy, initialPolicyState, type PolicyCommand } from './policy.decider';

const A = '111111111111';
const T0 = new Date('2026-11-23T10:00:00Z');
const CERT = 'c'.repeat(64);
const TARGET = `arn:aws:iot:us-east-1:${A}:cert/${CERT}`;
const DOCUMENT = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iot:Connect', Resource: '*' }] });

const { given, history } = deciderSpec({ decide: decidePolicy, evolve: evolvePolicy, initialState: initialPolicyState });
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
    const created = given(history(create()));
    expect(created.state).toMatchObject({ status: 'Exists', policyDocument: DOCUMENT, defaultVersionId: '1', generationId: 'g1', targets: [] });
    const error = created.when(create()).thenThrows({ code: 'ResourceAlreadyExistsException' });
    expect(error.toServiceError().fields).toEqual({ resourceId: 'connect', resourceArn: `arn:aws:iot:us-east-1:${A}:policy/connect` });
  });

  it('refuses documents that are not JSON policies with MalformedPolicyException', () => {
    for (const bad of ['not json', '[]', '{}', '{"Statement":[{"Effect":"Maybe","Action":"iot:*","Resource":"*"}]}', '{"Version":"2000-01-01","Statement":{"Effect":"Allow","Action":"iot:*","Resource":"*"}}', '{"Statement":{"Effect":"Allow","Resource":"*"}}', ' ', `{"Statement":{"Effect":"Allow","Action":"iot:*","Resource":"${'x'.repeat(2100)}"}}`]) {
      expect(errorOf(() => checkPolicyDocument(bad)).code).toBe('MalformedPolicyException');
    }
    expect(() => checkPolicyDocument('{ "Statement": { "Effect": "Deny", "Action": ["iot:Publish"], "Resource": ["*"] } }')).not.toThrow();
    given([]).when(create('{')).thenThrows({ message: /not valid JSON/ });
  });

  it('DeletePolicy while attached is DeleteConflictException; after detaching it deletes', () => {
    const attach: PolicyCommand = { type: 'AttachTarget', accountId: A, policyName: 'connect', target: TARGET, certificateId: CERT, now: T0 };
    const detach: PolicyCommand = { type: 'DetachTarget', accountId: A, policyName: 'connect', certificateId: CERT, now: T0 };
    const del: PolicyCommand = { type: 'DeletePolicy', accountId: A, policyName: 'connect', now: T0 };
    const attached = given(history(create(), attach));
    attached.when(attach).then([]);
    attached.when(del).thenThrows({ code: 'DeleteConflictException', message: /attached to one or more principals \(name=connect\)/ });
    const detached = given(history(create(), attach, detach));
    expect(detached.state).toMatchObject({ targets: [] });
    expect(detached.when(del).events().map((e) => e.type)).toEqual([IOT_EVENT_TYPES.PolicyDeleted]);
    given([]).when(del).thenThrows({ code: 'ResourceNotFoundException' });
    given([]).when(detach).thenThrows({ code: 'InvalidRequestException' });
  });
});
