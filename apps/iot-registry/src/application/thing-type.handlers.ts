/** AWS IoT thing types: CreateThingType, DescribeThingType, ListThingTypes, DeprecateThingType, DeleteThingType. */
import type { CommandMessage } from '@pki/contracts';
import { iotErrors } from '../domain/iot-errors';
import { thingTypeArn } from '../domain/iot-ids';
import { assignableThingType } from '../domain/thing-type.decider';
import { iotDb } from '../infrastructure/database';
import type { ThingTypeRow } from '../infrastructure/tables/thing-type.table';
import { countThingsOfType, findThingType, listThingTypes } from '../infrastructure/thing-type.queries';
import { executeCommand, loadAggregate, requestMeta } from './aggregate-command';
import { thingTypeAggregate } from './aggregates';
import { DEFAULT_PAGE_SIZE } from './ca-certificate.handlers';
import { regionOf, type IotContext } from './iot-context';

const epochSeconds = (date: Date | string): number => new Date(date).getTime() / 1000;

/**
 * The type a thing is given by CreateThing / UpdateThing: it must exist and not be deprecated
 * (read from its stream, so a type deprecated a moment ago is seen). A type deprecated between
 * this check and the thing's append can still be given once; DeleteThingType's five minutes after
 * deprecation and its count of the type's things keep that from leaving a thing with a deleted type.
 */
export async function assignableThingTypeName(context: IotContext, accountId: string, thingTypeName: string | undefined): Promise<string | null> {
  if (thingTypeName === undefined) return null;
  const { state } = await loadAggregate(context, thingTypeAggregate(accountId, thingTypeName));
  return assignableThingType(state, thingTypeName).thingTypeName;
}

/** AWS IoT `ThingTypeDefinition` (ListThingTypes) and DescribeThingType's members. */
function thingTypeDefinition(row: ThingTypeRow): Record<string, unknown> {
  return {
    thingTypeName: row.thing_type_name,
    thingTypeArn: row.thing_type_arn,
    thingTypeProperties: {
      ...(row.thing_type_description === null ? {} : { thingTypeDescription: row.thing_type_description }),
      searchableAttributes: row.searchable_attributes,
    },
    thingTypeMetadata: {
      deprecated: row.deprecated,
      ...(row.deprecated && row.deprecation_date !== null ? { deprecationDate: epochSeconds(row.deprecation_date) } : {}),
      creationDate: epochSeconds(row.creation_date),
    },
  };
}

export function createThingTypeHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const input = message.input as {
      thingTypeName: string;
      thingTypeProperties?: { thingTypeDescription?: string; searchableAttributes?: string[] };
      tags?: Array<{ Key: string; Value?: string }>;
    };
    const accountId = message.caller.accountId;
    const { state } = await executeCommand(
      context,
      thingTypeAggregate(accountId, input.thingTypeName),
      () => ({
        type: 'CreateThingType' as const,
        accountId,
        thingTypeName: input.thingTypeName,
        thingTypeId: context.newId(),
        thingTypeArn: thingTypeArn(regionOf(context, message), accountId, input.thingTypeName),
        properties: { thingTypeDescription: input.thingTypeProperties?.thingTypeDescription ?? null, searchableAttributes: input.thingTypeProperties?.searchableAttributes ?? [] },
        tags: (input.tags ?? []).map((t) => ({ Key: t.Key, Value: t.Value ?? '' })),
        now: context.now(),
      }),
      requestMeta(message),
    );
    if (state.status !== 'Exists') throw new Error('CreateThingType left no thing type');
    return { thingTypeName: state.thingTypeName, thingTypeArn: state.thingTypeArn, thingTypeId: state.thingTypeId };
  };
}

export function describeThingTypeHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const { thingTypeName } = message.input as { thingTypeName: string };
    const row = await findThingType(iotDb(context.db), message.caller.accountId, thingTypeName);
    if (!row) throw iotErrors.notFound('thing type', thingTypeName);
    return { ...thingTypeDefinition(row), thingTypeId: row.thing_type_id };
  };
}

export function listThingTypesHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, unknown>> => {
    const input = message.input as { thingTypeName?: string; nextToken?: string; maxResults?: number };
    const page = await listThingTypes(iotDb(context.db), message.caller.accountId, input.thingTypeName, input.maxResults ?? DEFAULT_PAGE_SIZE, input.nextToken);
    const thingTypes = page.rows.map(thingTypeDefinition);
    return page.next ? { thingTypes, nextToken: page.next } : { thingTypes };
  };
}

export function deprecateThingTypeHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as { thingTypeName: string; undoDeprecate?: boolean };
    const accountId = message.caller.accountId;
    await executeCommand(
      context,
      thingTypeAggregate(accountId, input.thingTypeName),
      () => ({ type: 'DeprecateThingType' as const, accountId, thingTypeName: input.thingTypeName, undoDeprecate: input.undoDeprecate === true, now: context.now() }),
      requestMeta(message),
    );
    return {};
  };
}

export function deleteThingTypeHandler(context: IotContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const { thingTypeName } = message.input as { thingTypeName: string };
    const accountId = message.caller.accountId;
    const thingCount = await countThingsOfType(iotDb(context.db), accountId, thingTypeName);
    await executeCommand(
      context,
      thingTypeAggregate(accountId, thingTypeName),
      () => ({ type: 'DeleteThingType' as const, accountId, thingTypeName, thingCount, now: context.now() }),
      requestMeta(message),
    );
    return {};
  };
}
