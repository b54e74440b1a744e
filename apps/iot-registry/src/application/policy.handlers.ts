import type { CommandMessage } from '@pki/contracts';
import { attachPolicy, detachPolicy, resolveCertificatePrincipal } from '../domain/attachments';
import { iotErrors } from '../domain/iot-errors';
import { policyArn } from '../domain/iot-ids';
import { certificateIsOwnedBy } from '../infrastructure/certificate.queries';
import { iotDb } from '../infrastructure/database';
import { findPolicy, listAttachedPolicies, listTargetsForPolicy } from '../infrastructure/policy.queries';
import { executeCommand, requestMeta } from './aggregate-command';
import { certificateAggregate, policyAggregate } from './aggregates';
import { DEFAULT_PAGE_SIZE } from './ca-certificate.handlers';
import { regionOf, type IotContext } from './iot-context';
import { policyDescription } from './registry.views';
import { executePair } from './unit-of-work';

export function createPolicyHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const input = message.input as { policyName: string; policyDocument: string; tags?: Array<{ Key: string; Value?: string }> };
    const accountId = message.caller.accountId;
    const { state } = await executeCommand(
      context,
      policyAggregate(accountId, regionOf(context, message), input.policyName),
      () => ({
        type: 'CreatePolicy' as const,
        accountId,
        policyName: input.policyName,
        policyArn: policyArn(regionOf(context, message), accountId, input.policyName),
        policyDocument: input.policyDocument,
        tags: (input.tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
        generationId: context.newId(),
        now: context.now(),
      }),
      requestMeta(message),
    );
    if (state.status !== 'Exists') throw new Error('CreatePolicy left no policy');
    return { policyName: state.policyName, policyArn: state.policyArn, policyDocument: state.policyDocument, policyVersionId: state.defaultVersionId };
  };
}

export function getPolicyHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const { policyName } = message.input as { policyName: string };
    const row = await findPolicy(iotDb(context.db), message.caller.accountId, regionOf(context, message), policyName);
    if (!row) throw iotErrors.notFound('policy', policyName);
    return policyDescription(row);
  };
}

export function deletePolicyHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const { policyName } = message.input as { policyName: string };
    const accountId = message.caller.accountId;
    await executeCommand(context, policyAggregate(accountId, regionOf(context, message), policyName), () => ({ type: 'DeletePolicy' as const, accountId, policyName, now: context.now() }), requestMeta(message));
    return {};
  };
}

export function attachPolicyHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as { policyName: string; target: string };
    const caller = message.caller.accountId;
    const region = regionOf(context, message);
    const target = resolveCertificatePrincipal(input.target, 'target', { region, caller });
    await executePair(
      context,
      policyAggregate(caller, region, input.policyName),
      certificateAggregate(target.certificateId, region),
      (policy, certificate) => {
        const decided = attachPolicy({ caller, policyName: input.policyName, target, now: context.now() }, policy, certificate);
        return [decided.policy, decided.certificate];
      },
      requestMeta(message),
    );
    return {};
  };
}

export function detachPolicyHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as { policyName: string; target: string };
    const caller = message.caller.accountId;
    // DetachPolicy models no ResourceNotFoundException: a certificate of another account is a bad request.
    const region = regionOf(context, message);
    const target = resolveCertificatePrincipal(input.target, 'target', { region, caller }, (what) => iotErrors.invalidRequest(`The target ${what} is not a certificate of this account.`));
    await executePair(
      context,
      policyAggregate(caller, region, input.policyName),
      certificateAggregate(target.certificateId, region),
      (policy, certificate) => {
        const decided = detachPolicy({ caller, policyName: input.policyName, target, now: context.now() }, policy, certificate);
        return [decided.policy, decided.certificate];
      },
      requestMeta(message),
    );
    return {};
  };
}

export function listAttachedPoliciesHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    // `recursive` follows thing-group hierarchies; a certificate target has none, so it changes nothing.
    const input = message.input as { target: string; recursive?: boolean; marker?: string; pageSize?: number };
    const caller = message.caller.accountId;
    const region = regionOf(context, message);
    const target = resolveCertificatePrincipal(input.target, 'target', { region, caller });
    const db = iotDb(context.db);
    if (!(await certificateIsOwnedBy(db, target.certificateId, caller, region))) throw iotErrors.notFound('certificate', target.arn);
    const page = await listAttachedPolicies(db, caller, target.certificateId, input.pageSize ?? DEFAULT_PAGE_SIZE, input.marker);
    const policies = page.rows.map((r) => ({ policyName: r.policy_name, policyArn: r.policy_arn }));
    return page.next ? { policies, nextMarker: page.next } : { policies };
  };
}

export function listTargetsForPolicyHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const input = message.input as { policyName: string; marker?: string; pageSize?: number };
    const accountId = message.caller.accountId;
    const db = iotDb(context.db);
    const region = regionOf(context, message);
    if (!(await findPolicy(db, accountId, region, input.policyName))) throw iotErrors.notFound('policy', input.policyName);
    const page = await listTargetsForPolicy(db, accountId, region, input.policyName, input.pageSize ?? DEFAULT_PAGE_SIZE, input.marker);
    const targets = page.rows.map((r) => r.target);
    return page.next ? { targets, nextMarker: page.next } : { targets };
  };
}
