/**
 * The AWS IoT thing type aggregate: CreateThingType, DeprecateThingType (and undoDeprecate),
 * DeleteThingType. Pure: time, the id, the ARN and how many things have the type arrive in the
 * command.
 */
import {
  IOT_EVENT_TYPES,
  type IotThingTypeCreatedV1,
  type IotThingTypeDeletedV1,
  type IotThingTypeDeprecationChangedV1,
  type IotThingTypePropertiesV1,
  type NewEvent,
} from '@pki/contracts';
import { iotErrors } from './iot-errors';

type V1<T, K extends string> = NewEvent<T, K> & { schemaVersion: 1 };

export type ThingTypeEvent =
  | V1<IotThingTypeCreatedV1, typeof IOT_EVENT_TYPES.ThingTypeCreated>
  | V1<IotThingTypeDeprecationChangedV1, typeof IOT_EVENT_TYPES.ThingTypeDeprecationChanged>
  | V1<IotThingTypeDeletedV1, typeof IOT_EVENT_TYPES.ThingTypeDeleted>;

export interface ExistingThingType {
  readonly status: 'Exists';
  readonly accountId: string;
  readonly thingTypeName: string;
  readonly thingTypeId: string;
  readonly thingTypeArn: string;
  readonly properties: IotThingTypePropertiesV1;
  readonly creationDate: string;
  readonly deprecated: boolean;
  /** When it was last deprecated; null when it never was. */
  readonly deprecationDate: string | null;
}

export type ThingTypeState = { readonly status: 'Absent' } | ExistingThingType;

export const initialThingTypeState: ThingTypeState = { status: 'Absent' };

/** AWS IoT Developer Guide, "Delete a thing type": "Before you can delete a thing type, wait for five minutes after you deprecate it." */
export const DELETE_AFTER_DEPRECATION_MS = 5 * 60 * 1000;

/** AWS IoT quotas: a thing type has at most 3 searchable attributes. */
export const MAX_SEARCHABLE_ATTRIBUTES = 3;

export interface CreateThingType {
  readonly type: 'CreateThingType';
  readonly accountId: string;
  readonly thingTypeName: string;
  readonly thingTypeId: string;
  readonly thingTypeArn: string;
  readonly properties: IotThingTypePropertiesV1;
  readonly tags: ReadonlyArray<{ readonly Key: string; readonly Value: string }>;
  readonly now: Date;
}

export interface DeprecateThingType {
  readonly type: 'DeprecateThingType';
  readonly accountId: string;
  readonly thingTypeName: string;
  readonly undoDeprecate: boolean;
  readonly now: Date;
}

export interface DeleteThingType {
  readonly type: 'DeleteThingType';
  readonly accountId: string;
  readonly thingTypeName: string;
  /** Things that have this type now (the registry's read model). */
  readonly thingCount: number;
  readonly now: Date;
}

export type ThingTypeCommand = CreateThingType | DeprecateThingType | DeleteThingType;

export function existingThingType(state: ThingTypeState, thingTypeName: string): ExistingThingType {
  if (state.status === 'Absent') throw iotErrors.notFound('thing type', thingTypeName);
  return state;
}

/** A thing may be given the type (CreateThing, UpdateThing): it exists and is not deprecated. */
export function assignableThingType(state: ThingTypeState, thingTypeName: string): ExistingThingType {
  const thingType = existingThingType(state, thingTypeName);
  // AWS IoT Developer Guide, "Deprecate a thing type": "You can't associate new things with a deprecated thing type."
  if (thingType.deprecated) throw iotErrors.invalidRequest(`The thing type ${thingTypeName} is deprecated; new things cannot be associated with it (undo with DeprecateThingType undoDeprecate).`);
  return thingType;
}

function create(command: CreateThingType, state: ThingTypeState): ThingTypeEvent[] {
  if (state.status === 'Exists') throw iotErrors.alreadyExists('thing type', { id: command.thingTypeName, arn: state.thingTypeArn });
  if (command.properties.searchableAttributes.length > MAX_SEARCHABLE_ATTRIBUTES) {
    throw iotErrors.invalidRequest(`A thing type has at most ${MAX_SEARCHABLE_ATTRIBUTES} searchableAttributes; ${command.properties.searchableAttributes.length} were given.`);
  }
  return [
    {
      type: IOT_EVENT_TYPES.ThingTypeCreated,
      schemaVersion: 1,
      data: {
        accountId: command.accountId,
        thingTypeName: command.thingTypeName,
        thingTypeId: command.thingTypeId,
        thingTypeArn: command.thingTypeArn,
        properties: command.properties,
        tags: command.tags,
        createdAt: command.now.toISOString(),
      },
    },
  ];
}

function deprecate(command: DeprecateThingType, state: ThingTypeState): ThingTypeEvent[] {
  const thingType = existingThingType(state, command.thingTypeName);
  const deprecated = !command.undoDeprecate;
  if (thingType.deprecated === deprecated) return [];
  return [
    {
      type: IOT_EVENT_TYPES.ThingTypeDeprecationChanged,
      schemaVersion: 1,
      data: { accountId: thingType.accountId, thingTypeName: thingType.thingTypeName, deprecated, changedAt: command.now.toISOString() },
    },
  ];
}

function remove(command: DeleteThingType, state: ThingTypeState): ThingTypeEvent[] {
  const thingType = existingThingType(state, command.thingTypeName);
  // AWS IoT DeleteThingType: "You cannot delete a thing type if it has things associated with it.
  // To delete a thing type, first mark it as deprecated by calling DeprecateThingType, then remove
  // any associated things by calling UpdateThing to change the thing type on any associated thing,
  // and finally use DeleteThingType to delete the thing type."
  if (!thingType.deprecated || thingType.deprecationDate === null) {
    throw iotErrors.invalidRequest(`The thing type ${thingType.thingTypeName} is not deprecated; deprecate it (DeprecateThingType) and wait five minutes before deleting it.`);
  }
  const deletableAt = new Date(thingType.deprecationDate).getTime() + DELETE_AFTER_DEPRECATION_MS;
  if (command.now.getTime() < deletableAt) {
    throw iotErrors.invalidRequest(
      `The thing type ${thingType.thingTypeName} was deprecated at ${thingType.deprecationDate}; it can be deleted five minutes after that, from ${new Date(deletableAt).toISOString()}.`,
    );
  }
  if (command.thingCount > 0) {
    throw iotErrors.invalidRequest(
      `The thing type ${thingType.thingTypeName} still has ${command.thingCount} thing(s) associated with it; remove the type from them (UpdateThing removeThingType) or delete them first.`,
    );
  }
  return [{ type: IOT_EVENT_TYPES.ThingTypeDeleted, schemaVersion: 1, data: { accountId: thingType.accountId, thingTypeName: thingType.thingTypeName, deletedAt: command.now.toISOString() } }];
}

export function decideThingType(command: ThingTypeCommand, state: ThingTypeState): ThingTypeEvent[] {
  switch (command.type) {
    case 'CreateThingType':
      return create(command, state);
    case 'DeprecateThingType':
      return deprecate(command, state);
    case 'DeleteThingType':
      return remove(command, state);
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown command ${String((exhaustive as { type: string }).type)}`);
    }
  }
}

export function evolveThingType(state: ThingTypeState, event: ThingTypeEvent): ThingTypeState {
  if (event.type === IOT_EVENT_TYPES.ThingTypeCreated) {
    const d = event.data;
    return {
      status: 'Exists',
      accountId: d.accountId,
      thingTypeName: d.thingTypeName,
      thingTypeId: d.thingTypeId,
      thingTypeArn: d.thingTypeArn,
      properties: d.properties,
      creationDate: d.createdAt,
      deprecated: false,
      deprecationDate: null,
    };
  }
  if (state.status === 'Absent') return state;
  switch (event.type) {
    case IOT_EVENT_TYPES.ThingTypeDeprecationChanged:
      return event.data.deprecated ? { ...state, deprecated: true, deprecationDate: event.data.changedAt } : { ...state, deprecated: false };
    case IOT_EVENT_TYPES.ThingTypeDeleted:
      return initialThingTypeState;
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${String((exhaustive as { type: string }).type)}`);
    }
  }
}
