/**
 * The AWS IoT policy aggregate: CreatePolicy (version "1", the default), its versions
 * (policy-versions.ts), DeletePolicy, and
 * the policy's side of its attachments to certificates (AttachPolicy / DetachPolicy), which
 * DeletePolicy decides on. Pure: time, the ARN and the generation id arrive in the command.
 */
import {
  IOT_EVENT_TYPES,
  type IotPolicyCreatedV1,
  type IotPolicyDeletedV1,
  type IotPolicyTargetAttachedV1,
  type IotPolicyTargetDetachedV1,
  type NewEvent,
} from '@pki/contracts';
import { iotErrors } from './iot-errors';
import { createVersion, deleteVersion, evolveVersions, setDefaultVersion, type PolicyVersion, type PolicyVersionCommand, type PolicyVersionEvent } from './policy-versions';

type V1<T, K extends string> = NewEvent<T, K> & { schemaVersion: 1 };

export type PolicyEvent =
  | V1<IotPolicyCreatedV1, typeof IOT_EVENT_TYPES.PolicyCreated>
  | V1<IotPolicyDeletedV1, typeof IOT_EVENT_TYPES.PolicyDeleted>
  | V1<IotPolicyTargetAttachedV1, typeof IOT_EVENT_TYPES.PolicyTargetAttached>
  | V1<IotPolicyTargetDetachedV1, typeof IOT_EVENT_TYPES.PolicyTargetDetached>
  | PolicyVersionEvent;

export interface PolicyTarget {
  readonly target: string;
  readonly certificateId: string;
}

export interface ExistingPolicy {
  readonly status: 'Exists';
  readonly accountId: string;
  readonly policyName: string;
  readonly policyArn: string;
  readonly policyDocument: string;
  readonly defaultVersionId: string;
  readonly generationId: string;
  readonly creationDate: string;
  readonly lastModifiedDate: string;
  readonly targets: readonly PolicyTarget[];
  /** Every version, the default among them (policy-versions.ts). */
  readonly versions: readonly PolicyVersion[];
  readonly lastVersionId: number;
}

export type PolicyState = { readonly status: 'Absent' } | ExistingPolicy;

export const initialPolicyState: PolicyState = { status: 'Absent' };

/** AWS IoT CreatePolicy: "policyDocument must have a minimum length of 1, with a maximum length of 2048, excluding whitespace." */
export const MAX_POLICY_DOCUMENT_CHARACTERS = 2048;

export interface CreatePolicy {
  readonly type: 'CreatePolicy';
  readonly accountId: string;
  readonly policyName: string;
  readonly policyArn: string;
  readonly policyDocument: string;
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  readonly generationId: string;
  readonly now: Date;
}

export interface DeletePolicy {
  readonly type: 'DeletePolicy';
  readonly accountId: string;
  readonly policyName: string;
  readonly now: Date;
}

/** The policy's side of AttachPolicy (the certificate's side is the certificate aggregate's). */
export interface AttachTarget {
  readonly type: 'AttachTarget';
  readonly accountId: string;
  readonly policyName: string;
  readonly target: string;
  readonly certificateId: string;
  readonly now: Date;
}

export interface DetachTarget {
  readonly type: 'DetachTarget';
  readonly accountId: string;
  readonly policyName: string;
  readonly certificateId: string;
  readonly now: Date;
}

export type PolicyCommand = CreatePolicy | DeletePolicy | AttachTarget | DetachTarget | PolicyVersionCommand;

export function existingPolicy(state: PolicyState, policyName: string): ExistingPolicy {
  if (state.status === 'Absent') throw iotErrors.notFound('policy', policyName);
  return state;
}

/**
 * The document must be an IAM-style JSON policy (AWS IoT Developer Guide, "AWS IoT Core policy
 * elements"): an object with `Statement`, each statement with `Effect` Allow or Deny, `Action`
 * and `Resource`; `Version` 2012-10-17 when present. MalformedPolicyException otherwise.
 */
export function checkPolicyDocument(document: string): void {
  const characters = document.replace(/\s/g, '').length;
  if (characters < 1 || characters > MAX_POLICY_DOCUMENT_CHARACTERS) {
    throw iotErrors.malformedPolicy(`The policyDocument has ${characters} characters other than whitespace; it must have between 1 and ${MAX_POLICY_DOCUMENT_CHARACTERS}.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch (error) {
    throw iotErrors.malformedPolicy(`The policyDocument is not valid JSON (${error instanceof Error ? error.message : 'parse error'}).`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw iotErrors.malformedPolicy('The policyDocument must be a JSON object with a Statement.');
  const policy = parsed as Record<string, unknown>;
  if (policy.Version !== undefined && policy.Version !== '2012-10-17') {
    throw iotErrors.malformedPolicy(`The policyDocument Version ${JSON.stringify(policy.Version)} is not supported; use "2012-10-17".`);
  }
  const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement === undefined ? [] : [policy.Statement];
  if (statements.length === 0) throw iotErrors.malformedPolicy('The policyDocument has no Statement.');
  statements.forEach((statement: unknown, index) => {
    if (statement === null || typeof statement !== 'object' || Array.isArray(statement)) throw iotErrors.malformedPolicy(`Statement ${index + 1} of the policyDocument is not a JSON object.`);
    const s = statement as Record<string, unknown>;
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw iotErrors.malformedPolicy(`Statement ${index + 1} of the policyDocument needs an Effect of "Allow" or "Deny".`);
    for (const element of ['Action', 'Resource'] as const) {
      const value = s[element];
      const ok = typeof value === 'string' || (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'));
      if (!ok) throw iotErrors.malformedPolicy(`Statement ${index + 1} of the policyDocument needs ${element} as a string or a non-empty list of strings.`);
    }
  });
}

function create(command: CreatePolicy, state: PolicyState): PolicyEvent[] {
  if (state.status === 'Exists') throw iotErrors.alreadyExists('policy', { id: command.policyName, arn: command.policyArn });
  checkPolicyDocument(command.policyDocument);
  return [
    {
      type: IOT_EVENT_TYPES.PolicyCreated,
      schemaVersion: 1,
      data: {
        accountId: command.accountId,
        policyName: command.policyName,
        policyArn: command.policyArn,
        policyDocument: command.policyDocument,
        // "This operation creates a policy version with a version identifier of 1 and sets 1 as the policy's default version."
        policyVersionId: '1',
        generationId: command.generationId,
        tags: command.tags,
        createdAt: command.now.toISOString(),
      },
    },
  ];
}

function remove(command: DeletePolicy, state: PolicyState): PolicyEvent[] {
  const policy = existingPolicy(state, command.policyName);
  // AWS IoT DeletePolicy: "A policy cannot be deleted if it has non-default versions or it is
  // attached to any certificate." (DeleteConflictException)
  if (policy.versions.length > 1) {
    throw iotErrors.deleteConflict(
      `The policy ${policy.policyName} has non-default versions (${policy.versions.filter((v) => v.versionId !== policy.defaultVersionId).map((v) => v.versionId).join(', ')}); delete them (DeletePolicyVersion) first.`,
    );
  }
  if (policy.targets.length > 0) {
    throw iotErrors.deleteConflict(
      `The policy cannot be deleted as the policy is attached to one or more principals (name=${policy.policyName}): ${policy.targets.map((t) => t.target).join(', ')}. Detach it (DetachPolicy) first.`,
    );
  }
  return [{ type: IOT_EVENT_TYPES.PolicyDeleted, schemaVersion: 1, data: { accountId: policy.accountId, policyName: policy.policyName, deletedAt: command.now.toISOString() } }];
}

function attach(command: AttachTarget, state: PolicyState): PolicyEvent[] {
  const policy = existingPolicy(state, command.policyName);
  if (policy.targets.some((t) => t.certificateId === command.certificateId)) return [];
  return [
    {
      type: IOT_EVENT_TYPES.PolicyTargetAttached,
      schemaVersion: 1,
      data: { accountId: policy.accountId, policyName: policy.policyName, target: command.target, certificateId: command.certificateId, attachedAt: command.now.toISOString() },
    },
  ];
}

function detach(command: DetachTarget, state: PolicyState): PolicyEvent[] {
  // DetachPolicy models no ResourceNotFoundException: an unknown policy is a bad request.
  if (state.status === 'Absent') throw iotErrors.invalidRequest(`The policy ${command.policyName} does not exist in this account.`);
  const attached = state.targets.find((t) => t.certificateId === command.certificateId);
  if (!attached) return [];
  return [
    {
      type: IOT_EVENT_TYPES.PolicyTargetDetached,
      schemaVersion: 1,
      data: { accountId: state.accountId, policyName: state.policyName, target: attached.target, certificateId: attached.certificateId, detachedAt: command.now.toISOString() },
    },
  ];
}

export function decidePolicy(command: PolicyCommand, state: PolicyState): PolicyEvent[] {
  switch (command.type) {
    case 'CreatePolicy':
      return create(command, state);
    case 'DeletePolicy':
      return remove(command, state);
    case 'AttachTarget':
      return attach(command, state);
    case 'DetachTarget':
      return detach(command, state);
    case 'CreatePolicyVersion':
      return createVersion(command, existingPolicy(state, command.policyName), checkPolicyDocument);
    case 'DeletePolicyVersion':
      return deleteVersion(command, existingPolicy(state, command.policyName));
    case 'SetDefaultPolicyVersion':
      return setDefaultVersion(command, existingPolicy(state, command.policyName));
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown command ${String((exhaustive as { type: string }).type)}`);
    }
  }
}

export function evolvePolicy(state: PolicyState, event: PolicyEvent): PolicyState {
  if (event.type === IOT_EVENT_TYPES.PolicyCreated) {
    const d = event.data;
    return {
      status: 'Exists',
      accountId: d.accountId,
      policyName: d.policyName,
      policyArn: d.policyArn,
      policyDocument: d.policyDocument,
      defaultVersionId: d.policyVersionId,
      generationId: d.generationId,
      creationDate: d.createdAt,
      lastModifiedDate: d.createdAt,
      targets: [],
      versions: [{ versionId: d.policyVersionId, document: d.policyDocument, createdAt: d.createdAt }],
      lastVersionId: Number(d.policyVersionId),
    };
  }
  if (state.status === 'Absent') return state;
  switch (event.type) {
    case IOT_EVENT_TYPES.PolicyDeleted:
      return initialPolicyState;
    case IOT_EVENT_TYPES.PolicyTargetAttached:
      return { ...state, targets: [...state.targets, { target: event.data.target, certificateId: event.data.certificateId }] };
    case IOT_EVENT_TYPES.PolicyTargetDetached:
      return { ...state, targets: state.targets.filter((t) => t.certificateId !== event.data.certificateId) };
    case IOT_EVENT_TYPES.PolicyVersionCreated:
    case IOT_EVENT_TYPES.PolicyVersionDeleted:
    case IOT_EVENT_TYPES.PolicyDefaultVersionSet:
      return evolveVersions(state, event);
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${String((exhaustive as { type: string }).type)}`);
    }
  }
}
