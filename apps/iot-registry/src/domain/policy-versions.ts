/**
 * Policy versions (AWS IoT CreatePolicyVersion, DeletePolicyVersion, SetDefaultPolicyVersion): the
 * policy aggregate's commands and events about its versions. Pure; `decidePolicy` /
 * `evolvePolicy` dispatch here. Version ids count up from "1" (CreatePolicy's) and are never reused.
 */
import { IOT_EVENT_TYPES, type IotPolicyDefaultVersionSetV1, type IotPolicyVersionCreatedV1, type IotPolicyVersionDeletedV1, type NewEvent } from '@pki/contracts';
import { iotErrors } from './iot-errors';

type V1<T, K extends string> = NewEvent<T, K> & { schemaVersion: 1 };

export type PolicyVersionEvent =
  | V1<IotPolicyVersionCreatedV1, typeof IOT_EVENT_TYPES.PolicyVersionCreated>
  | V1<IotPolicyVersionDeletedV1, typeof IOT_EVENT_TYPES.PolicyVersionDeleted>
  | V1<IotPolicyDefaultVersionSetV1, typeof IOT_EVENT_TYPES.PolicyDefaultVersionSet>;

export interface PolicyVersion {
  readonly versionId: string;
  readonly document: string;
  readonly createdAt: string;
}

/** What of the policy the version commands read and change. */
export interface VersionedPolicy {
  readonly accountId: string;
  readonly policyName: string;
  readonly policyDocument: string;
  readonly defaultVersionId: string;
  readonly generationId: string;
  readonly lastModifiedDate: string;
  readonly versions: readonly PolicyVersion[];
  /** The highest version id ever created (deleted ones are not reused). */
  readonly lastVersionId: number;
}

/** AWS IoT CreatePolicyVersion: "A managed policy can have up to five versions." */
export const MAX_POLICY_VERSIONS = 5;

export interface CreatePolicyVersion {
  readonly type: 'CreatePolicyVersion';
  readonly accountId: string;
  readonly policyName: string;
  readonly policyDocument: string;
  readonly setAsDefault: boolean;
  readonly generationId: string;
  readonly now: Date;
}

export interface DeletePolicyVersion {
  readonly type: 'DeletePolicyVersion';
  readonly accountId: string;
  readonly policyName: string;
  readonly policyVersionId: string;
  readonly now: Date;
}

export interface SetDefaultPolicyVersion {
  readonly type: 'SetDefaultPolicyVersion';
  readonly accountId: string;
  readonly policyName: string;
  readonly policyVersionId: string;
  readonly generationId: string;
  readonly now: Date;
}

export type PolicyVersionCommand = CreatePolicyVersion | DeletePolicyVersion | SetDefaultPolicyVersion;

/** The version the caller named; ResourceNotFoundException as AWS answers for an unknown one. */
export function policyVersion(policy: VersionedPolicy, versionId: string): PolicyVersion {
  const version = policy.versions.find((v) => v.versionId === versionId);
  if (!version) throw iotErrors.notFound('policy version', `${policy.policyName} version ${versionId}`);
  return version;
}

export function createVersion(command: CreatePolicyVersion, policy: VersionedPolicy, checkDocument: (document: string) => void): PolicyVersionEvent[] {
  if (policy.versions.length >= MAX_POLICY_VERSIONS) {
    throw iotErrors.versionsLimitExceeded(
      `The policy ${policy.policyName} already has the maximum of ${MAX_POLICY_VERSIONS} versions; delete one (DeletePolicyVersion) before creating another.`,
    );
  }
  checkDocument(command.policyDocument);
  return [
    {
      type: IOT_EVENT_TYPES.PolicyVersionCreated,
      schemaVersion: 1,
      data: {
        accountId: policy.accountId,
        policyName: policy.policyName,
        policyVersionId: String(policy.lastVersionId + 1),
        policyDocument: command.policyDocument,
        isDefaultVersion: command.setAsDefault,
        generationId: command.generationId,
        createdAt: command.now.toISOString(),
      },
    },
  ];
}

export function deleteVersion(command: DeletePolicyVersion, policy: VersionedPolicy): PolicyVersionEvent[] {
  policyVersion(policy, command.policyVersionId);
  // AWS IoT DeletePolicyVersion: "You cannot delete the default version of a policy using this
  // action. To delete the default version of a policy, use DeletePolicy." (DeleteConflictException)
  if (command.policyVersionId === policy.defaultVersionId) {
    throw iotErrors.deleteConflict(`Version ${command.policyVersionId} is the default version of the policy ${policy.policyName}; set another default (SetDefaultPolicyVersion) or delete the policy.`);
  }
  return [
    {
      type: IOT_EVENT_TYPES.PolicyVersionDeleted,
      schemaVersion: 1,
      data: { accountId: policy.accountId, policyName: policy.policyName, policyVersionId: command.policyVersionId, deletedAt: command.now.toISOString() },
    },
  ];
}

export function setDefaultVersion(command: SetDefaultPolicyVersion, policy: VersionedPolicy): PolicyVersionEvent[] {
  policyVersion(policy, command.policyVersionId);
  if (command.policyVersionId === policy.defaultVersionId) return [];
  return [
    {
      type: IOT_EVENT_TYPES.PolicyDefaultVersionSet,
      schemaVersion: 1,
      data: { accountId: policy.accountId, policyName: policy.policyName, policyVersionId: command.policyVersionId, generationId: command.generationId, setAt: command.now.toISOString() },
    },
  ];
}

/** Applies a version event: the default version's document is the policy's (GetPolicy answers it). */
export function evolveVersions<P extends VersionedPolicy>(policy: P, event: PolicyVersionEvent): P {
  switch (event.type) {
    case IOT_EVENT_TYPES.PolicyVersionCreated: {
      const d = event.data;
      const versions = [...policy.versions, { versionId: d.policyVersionId, document: d.policyDocument, createdAt: d.createdAt }];
      const lastVersionId = Math.max(policy.lastVersionId, Number(d.policyVersionId));
      if (!d.isDefaultVersion) return { ...policy, versions, lastVersionId };
      return { ...policy, versions, lastVersionId, defaultVersionId: d.policyVersionId, policyDocument: d.policyDocument, generationId: d.generationId, lastModifiedDate: d.createdAt };
    }
    case IOT_EVENT_TYPES.PolicyVersionDeleted:
      return { ...policy, versions: policy.versions.filter((v) => v.versionId !== event.data.policyVersionId) };
    case IOT_EVENT_TYPES.PolicyDefaultVersionSet: {
      const d = event.data;
      const version = policy.versions.find((v) => v.versionId === d.policyVersionId);
      return { ...policy, defaultVersionId: d.policyVersionId, policyDocument: version?.document ?? policy.policyDocument, generationId: d.generationId, lastModifiedDate: d.setAt };
    }
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${String((exhaustive as { type: string }).type)}`);
    }
  }
}
