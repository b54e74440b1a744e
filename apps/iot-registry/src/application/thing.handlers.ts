import type { CommandMessage, IotThingPrincipalType } from '@pki/contracts';
import { attachThingPrincipal, detachThingPrincipal, resolveCertificatePrincipal } from '../domain/attachments';
import { iotErrors } from '../domain/iot-errors';
import { thingArn } from '../domain/iot-ids';
import { certificateIsOwnedBy } from '../infrastructure/certificate.queries';
import { iotDb } from '../infrastructure/database';
import { findThing, listPrincipalThings, listThingPrincipals, listThings } from '../infrastructure/thing.queries';
import { executeCommand, requestMeta } from './aggregate-command';
import { certificateAggregate, thingAggregate } from './aggregates';
import { DEFAULT_PAGE_SIZE } from './ca-certificate.handlers';
import { regionOf, type IotContext } from './iot-context';
import { thingAttribute, thingDescription } from './registry.views';
import { assignableThingTypeName } from './thing-type.handlers';
import { executePair } from './unit-of-work';

interface AttributePayloadInput {
  readonly attributes?: Record<string, string>;
  readonly merge?: boolean;
}

/** Billing groups do not exist on this platform, so naming one names a resource that is not there. */
function refuseBillingGroup(input: { billingGroupName?: string }): void {
  if (input.billingGroupName !== undefined) throw iotErrors.notFound('billing group', `${input.billingGroupName} (this platform has no billing groups; leave billingGroupName out)`);
}

export function createThingHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<{ thingName: string; thingArn: string; thingId: string }> => {
    const input = message.input as { thingName: string; thingTypeName?: string; billingGroupName?: string; attributePayload?: AttributePayloadInput };
    refuseBillingGroup(input);
    const accountId = message.caller.accountId;
    const thingTypeName = await assignableThingTypeName(context, accountId, input.thingTypeName);
    const { state } = await executeCommand(
      context,
      thingAggregate(accountId, regionOf(context, message), input.thingName),
      () => ({
        type: 'CreateThing' as const,
        accountId,
        thingName: input.thingName,
        thingId: context.newId(),
        thingArn: thingArn(regionOf(context, message), accountId, input.thingName),
        attributes: input.attributePayload?.attributes ?? {},
        thingTypeName,
        now: context.now(),
      }),
      requestMeta(message),
    );
    if (state.status !== 'Exists') throw new Error('CreateThing left no thing');
    return { thingName: state.thingName, thingArn: state.thingArn, thingId: state.thingId };
  };
}

export function describeThingHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const { thingName } = message.input as { thingName: string };
    const row = await findThing(iotDb(context.db), message.caller.accountId, regionOf(context, message), thingName);
    if (!row) throw iotErrors.notFound('thing', thingName);
    return thingDescription(row);
  };
}

export function updateThingHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as { thingName: string; thingTypeName?: string; attributePayload?: AttributePayloadInput; expectedVersion?: number; removeThingType?: boolean };
    const accountId = message.caller.accountId;
    const thingTypeName = await assignableThingTypeName(context, accountId, input.thingTypeName);
    await executeCommand(
      context,
      thingAggregate(accountId, regionOf(context, message), input.thingName),
      () => ({
        type: 'UpdateThing' as const,
        accountId,
        thingName: input.thingName,
        attributes: input.attributePayload?.attributes ?? null,
        merge: input.attributePayload?.merge ?? false,
        expectedVersion: input.expectedVersion ?? null,
        thingTypeName,
        removeThingType: input.removeThingType === true,
        now: context.now(),
      }),
      requestMeta(message),
    );
    return {};
  };
}

export function deleteThingHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as { thingName: string; expectedVersion?: number };
    const accountId = message.caller.accountId;
    await executeCommand(
      context,
      thingAggregate(accountId, regionOf(context, message), input.thingName),
      () => ({ type: 'DeleteThing' as const, accountId, thingName: input.thingName, expectedVersion: input.expectedVersion ?? null, now: context.now() }),
      requestMeta(message),
    );
    return {};
  };
}

interface ListThingsInput {
  readonly nextToken?: string;
  readonly maxResults?: number;
  readonly attributeName?: string;
  readonly attributeValue?: string;
  readonly thingTypeName?: string;
  readonly usePrefixAttributeValue?: boolean;
}

export function listThingsHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const input = message.input as ListThingsInput;
    if (input.attributeValue !== undefined && input.attributeName === undefined) throw iotErrors.invalidRequest('attributeValue filters by the attribute named in attributeName; pass attributeName too.');
    const page = await listThings(
      iotDb(context.db),
      message.caller.accountId,
      regionOf(context, message),
      { attributeName: input.attributeName, attributeValue: input.attributeValue, usePrefixAttributeValue: input.usePrefixAttributeValue ?? false, thingTypeName: input.thingTypeName },
      input.maxResults ?? DEFAULT_PAGE_SIZE,
      input.nextToken,
    );
    const things = page.rows.map(thingAttribute);
    return page.next ? { things, nextToken: page.next } : { things };
  };
}

export function attachThingPrincipalHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as { thingName: string; principal: string; thingPrincipalType?: IotThingPrincipalType };
    const caller = message.caller.accountId;
    const region = regionOf(context, message);
    const principal = resolveCertificatePrincipal(input.principal, 'principal', { region, caller });
    await executePair(
      context,
      thingAggregate(caller, region, input.thingName),
      certificateAggregate(principal.certificateId, region),
      (thing, certificate) => {
        const decided = attachThingPrincipal(
          { caller, thingName: input.thingName, principal, thingPrincipalType: input.thingPrincipalType ?? 'NON_EXCLUSIVE_THING', now: context.now() },
          thing,
          certificate,
        );
        return [decided.thing, decided.certificate];
      },
      requestMeta(message),
    );
    return {};
  };
}

export function detachThingPrincipalHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as { thingName: string; principal: string };
    const caller = message.caller.accountId;
    const region = regionOf(context, message);
    const principal = resolveCertificatePrincipal(input.principal, 'principal', { region, caller });
    await executePair(
      context,
      thingAggregate(caller, region, input.thingName),
      certificateAggregate(principal.certificateId, region),
      (thing, certificate) => {
        const decided = detachThingPrincipal({ caller, thingName: input.thingName, principal, now: context.now() }, thing, certificate);
        return [decided.thing, decided.certificate];
      },
      requestMeta(message),
    );
    return {};
  };
}

export function listThingPrincipalsHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const input = message.input as { thingName: string; nextToken?: string; maxResults?: number };
    const db = iotDb(context.db);
    const accountId = message.caller.accountId;
    const region = regionOf(context, message);
    if (!(await findThing(db, accountId, region, input.thingName))) throw iotErrors.notFound('thing', input.thingName);
    const page = await listThingPrincipals(db, accountId, region, input.thingName, input.maxResults ?? DEFAULT_PAGE_SIZE, input.nextToken);
    const principals = page.rows.map((r) => r.principal);
    return page.next ? { principals, nextToken: page.next } : { principals };
  };
}

export function listPrincipalThingsHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const input = message.input as { principal: string; nextToken?: string; maxResults?: number };
    const caller = message.caller.accountId;
    const region = regionOf(context, message);
    const principal = resolveCertificatePrincipal(input.principal, 'principal', { region, caller });
    const db = iotDb(context.db);
    if (!(await certificateIsOwnedBy(db, principal.certificateId, caller, region))) throw iotErrors.notFound('certificate', principal.arn);
    const page = await listPrincipalThings(db, caller, principal.certificateId, input.maxResults ?? DEFAULT_PAGE_SIZE, input.nextToken);
    const things = page.rows.map((r) => r.thing_name);
    return page.next ? { things, nextToken: page.next } : { things };
  };
}
