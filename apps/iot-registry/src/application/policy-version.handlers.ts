/**
 * AWS IoT policy versions (CreatePolicyVersion, GetPolicyVersion, ListPolicyVersions,
 * DeletePolicyVersion, SetDefaultPolicyVersion) and ListPolicies. The version reads load the
 * policy's stream: a policy has at most five versions, and reading them from the stream that
 * decides on them answers what the last write left.
 */
import type { CommandMessage } from '@pki/contracts';
import { iotErrors } from '../domain/iot-errors';
import { existingPolicy, type ExistingPolicy } from '../domain/policy.decider';
import { policyVersion } from '../domain/policy-versions';
import { iotDb } from '../infrastructure/database';
import { listPolicies } from '../infrastructure/policy-list.queries';
import { executeCommand, loadAggregate, requestMeta } from './aggregate-command';
import { policyAggregate } from './aggregates';
import { DEFAULT_PAGE_SIZE } from './ca-certificate.handlers';
import { regionOf, type IotContext } from './iot-context';

const epochSeconds = (iso: string): number => new Date(iso).getTime() / 1000;

type VersionInput = { policyName: string; policyVersionId: string };

async function loadPolicy(context: IotContext, accountId: string, region: string, policyName: string): Promise<ExistingPolicy> {
  const { state } = await loadAggregate(context, policyAggregate(accountId, region, policyName));
  return existingPolicy(state, policyName);
}

export function createPolicyVersionHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const input = message.input as { policyName: string; policyDocument: string; setAsDefault?: boolean };
    const accountId = message.caller.accountId;
    const { state, events } = await executeCommand(
      context,
      policyAggregate(accountId, regionOf(context, message), input.policyName),
      () => ({
        type: 'CreatePolicyVersion' as const,
        accountId,
        policyName: input.policyName,
        policyDocument: input.policyDocument,
        setAsDefault: input.setAsDefault === true,
        generationId: context.newId(),
        now: context.now(),
      }),
      requestMeta(message),
    );
    const created = events[0];
    if (state.status !== 'Exists' || created?.type !== 'IotPolicyVersionCreated') throw new Error('CreatePolicyVersion created no version');
    return { policyArn: state.policyArn, policyDocument: created.data.policyDocument, policyVersionId: created.data.policyVersionId, isDefaultVersion: created.data.isDefaultVersion };
  };
}

export function getPolicyVersionHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const input = message.input as VersionInput;
    const policy = await loadPolicy(context, message.caller.accountId, regionOf(context, message), input.policyName);
    const version = policyVersion(policy, input.policyVersionId);
    return {
      policyArn: policy.policyArn,
      policyName: policy.policyName,
      policyDocument: version.document,
      policyVersionId: version.versionId,
      isDefaultVersion: version.versionId === policy.defaultVersionId,
      creationDate: epochSeconds(version.createdAt),
      lastModifiedDate: epochSeconds(policy.lastModifiedDate),
      generationId: policy.generationId,
    };
  };
}

export function listPolicyVersionsHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const { policyName } = message.input as { policyName: string };
    const policy = await loadPolicy(context, message.caller.accountId, regionOf(context, message), policyName);
    // Newest first, as AWS lists them.
    const policyVersions = [...policy.versions]
      .sort((a, b) => Number(b.versionId) - Number(a.versionId))
      .map((v) => ({ versionId: v.versionId, isDefaultVersion: v.versionId === policy.defaultVersionId, createDate: epochSeconds(v.createdAt) }));
    return { policyVersions };
  };
}

export function deletePolicyVersionHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as VersionInput;
    const accountId = message.caller.accountId;
    await executeCommand(
      context,
      policyAggregate(accountId, regionOf(context, message), input.policyName),
      () => ({ type: 'DeletePolicyVersion' as const, accountId, policyName: input.policyName, policyVersionId: input.policyVersionId, now: context.now() }),
      requestMeta(message),
    );
    return {};
  };
}

export function setDefaultPolicyVersionHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as VersionInput;
    const accountId = message.caller.accountId;
    await executeCommand(
      context,
      policyAggregate(accountId, regionOf(context, message), input.policyName),
      () => ({ type: 'SetDefaultPolicyVersion' as const, accountId, policyName: input.policyName, policyVersionId: input.policyVersionId, generationId: context.newId(), now: context.now() }),
      requestMeta(message),
    );
    return {};
  };
}

export function listPoliciesHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const input = message.input as { marker?: string; pageSize?: number; ascendingOrder?: boolean };
    if (input.pageSize !== undefined && (input.pageSize < 1 || input.pageSize > 250)) throw iotErrors.invalidRequest('The pageSize must be between 1 and 250.');
    const page = await listPolicies(iotDb(context.db), message.caller.accountId, regionOf(context, message), input.pageSize ?? DEFAULT_PAGE_SIZE, input.marker, input.ascendingOrder !== false);
    const policies = page.rows.map((r) => ({ policyName: r.policy_name, policyArn: r.policy_arn }));
    return page.next ? { policies, nextMarker: page.next } : { policies };
  };
}
