/**
 * The AWS IoT thing aggregate (the registry's record of a device): CreateThing, UpdateThing,
 * DeleteThing with their `expectedVersion` checks, and the thing's side of its principals
 * (AttachThingPrincipal / DetachThingPrincipal). Pure: time, the thing id and the ARN arrive in
 * the command. A thing's type (thing-type.decider.ts) is checked by the caller before it is named
 * here. Billing groups do not exist on this platform.
 */
import {
  IOT_EVENT_TYPES,
  type IotThingCreatedV1,
  type IotThingDeletedV1,
  type IotThingPrincipalAttachedV1,
  type IotThingPrincipalDetachedV1,
  type IotThingPrincipalType,
  type IotThingTypeAssignedV1,
  type IotThingUpdatedV1,
  type NewEvent,
} from '@pki/contracts';
import { iotErrors } from './iot-errors';

type V1<T, K extends string> = NewEvent<T, K> & { schemaVersion: 1 };

export type ThingEvent =
  | V1<IotThingCreatedV1, typeof IOT_EVENT_TYPES.ThingCreated>
  | V1<IotThingUpdatedV1, typeof IOT_EVENT_TYPES.ThingUpdated>
  | V1<IotThingDeletedV1, typeof IOT_EVENT_TYPES.ThingDeleted>
  | V1<IotThingPrincipalAttachedV1, typeof IOT_EVENT_TYPES.ThingPrincipalAttached>
  | V1<IotThingPrincipalDetachedV1, typeof IOT_EVENT_TYPES.ThingPrincipalDetached>
  | V1<IotThingTypeAssignedV1, typeof IOT_EVENT_TYPES.ThingTypeAssigned>;

export interface ThingPrincipal {
  readonly principal: string;
  readonly certificateId: string;
  readonly thingPrincipalType: IotThingPrincipalType;
}

export interface ExistingThing {
  readonly status: 'Exists';
  readonly accountId: string;
  readonly thingName: string;
  readonly thingId: string;
  readonly thingArn: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly version: number;
  readonly creationDate: string;
  readonly principals: readonly ThingPrincipal[];
  readonly thingTypeName: string | null;
}

export type ThingState = { readonly status: 'Absent' } | ExistingThing;

export const initialThingState: ThingState = { status: 'Absent' };

/**
 * AWS IoT: "Things without a thing type can have up to three attributes" (Developer Guide, Thing
 * types) ...
 */
export const MAX_THING_ATTRIBUTES = 3;
/** ... "Things with a thing type can have up to 50 attributes." */
export const MAX_TYPED_THING_ATTRIBUTES = 50;

export interface CreateThing {
  readonly type: 'CreateThing';
  readonly accountId: string;
  readonly thingName: string;
  readonly thingId: string;
  readonly thingArn: string;
  readonly attributes: Readonly<Record<string, string>>;
  /** An existing, not deprecated thing type (the handler checked it), or none. */
  readonly thingTypeName: string | null;
  readonly now: Date;
}

export interface UpdateThing {
  readonly type: 'UpdateThing';
  readonly accountId: string;
  readonly thingName: string;
  /** Absent: the attributes stay as they are. */
  readonly attributes: Readonly<Record<string, string>> | null;
  /** AWS IoT AttributePayload `merge`: merge into the stored attributes instead of replacing them. */
  readonly merge: boolean;
  readonly expectedVersion: number | null;
  /** The new thing type (checked by the handler), or null: keep the type unless `removeThingType`. */
  readonly thingTypeName: string | null;
  readonly removeThingType: boolean;
  readonly now: Date;
}

export interface DeleteThing {
  readonly type: 'DeleteThing';
  readonly accountId: string;
  readonly thingName: string;
  readonly expectedVersion: number | null;
  readonly now: Date;
}

/** The thing's side of AttachThingPrincipal (the certificate's side is the certificate aggregate's). */
export interface AttachPrincipal {
  readonly type: 'AttachPrincipal';
  readonly accountId: string;
  readonly thingName: string;
  readonly principal: string;
  readonly certificateId: string;
  readonly thingPrincipalType: IotThingPrincipalType;
  readonly now: Date;
}

export interface DetachPrincipal {
  readonly type: 'DetachPrincipal';
  readonly accountId: string;
  readonly thingName: string;
  readonly certificateId: string;
  readonly now: Date;
}

export type ThingCommand = CreateThing | UpdateThing | DeleteThing | AttachPrincipal | DetachPrincipal;

export function existingThing(state: ThingState, thingName: string): ExistingThing {
  if (state.status === 'Absent') throw iotErrors.notFound('thing', thingName);
  return state;
}

function checkAttributeCount(thingName: string, attributes: Readonly<Record<string, string>>, thingTypeName: string | null = null): void {
  const count = Object.keys(attributes).length;
  const max = thingTypeName === null ? MAX_THING_ATTRIBUTES : MAX_TYPED_THING_ATTRIBUTES;
  if (count > max) {
    throw iotErrors.invalidRequest(
      `The thing ${thingName} would have ${count} attributes; a thing ${thingTypeName === null ? 'without a thing type' : 'with a thing type'} can have at most ${max}. Remove attributes by updating them to an empty value.`,
    );
  }
}

function typeAssigned(thing: { readonly accountId: string; readonly thingName: string }, thingTypeName: string | null, now: Date): ThingEvent {
  return { type: IOT_EVENT_TYPES.ThingTypeAssigned, schemaVersion: 1, data: { accountId: thing.accountId, thingName: thing.thingName, thingTypeName, assignedAt: now.toISOString() } };
}

function checkExpectedVersion(thing: ExistingThing, expectedVersion: number | null, operation: string): void {
  // AWS IoT UpdateThing / DeleteThing expectedVersion: "If the version of the record in the registry
  // does not match the expected version specified in the request, the ... request is rejected with a
  // VersionConflictException."
  if (expectedVersion !== null && expectedVersion !== thing.version) {
    throw iotErrors.versionConflict(
      `The thing ${thing.thingName} is at version ${thing.version}, not the expectedVersion ${expectedVersion}; describe it (DescribeThing) again and retry ${operation} with its current version.`,
    );
  }
}

const sameAttributes = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean => {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.prototype.hasOwnProperty.call(b, k) && b[k] === a[k]);
};

function create(command: CreateThing, state: ThingState): ThingEvent[] {
  // AWS IoT CreateThing: "If this call is made multiple times using the same thing name and
  // configuration, the call will succeed. If this call is made with the same thing name but
  // different configuration a ResourceAlreadyExistsException is thrown."
  if (state.status === 'Exists') {
    if (sameAttributes(state.attributes, command.attributes) && state.thingTypeName === command.thingTypeName) return [];
    throw iotErrors.alreadyExists(
      'thing',
      { id: command.thingName, arn: command.thingArn },
      `The thing ${command.thingName} already exists with other attributes; describe it (DescribeThing) and change it with UpdateThing, or use another thingName.`,
    );
  }
  checkAttributeCount(command.thingName, command.attributes, command.thingTypeName);
  const typed = command.thingTypeName === null ? [] : [typeAssigned(command, command.thingTypeName, command.now)];
  return [
    {
      type: IOT_EVENT_TYPES.ThingCreated,
      schemaVersion: 1,
      data: {
        accountId: command.accountId,
        thingName: command.thingName,
        thingId: command.thingId,
        thingArn: command.thingArn,
        attributes: command.attributes,
        version: 1,
        createdAt: command.now.toISOString(),
      },
    },
    ...typed,
  ];
}

function update(command: UpdateThing, state: ThingState): ThingEvent[] {
  const thing = existingThing(state, command.thingName);
  checkExpectedVersion(thing, command.expectedVersion, 'UpdateThing');
  let attributes: Record<string, string> = { ...thing.attributes };
  if (command.attributes !== null) {
    attributes = command.merge ? { ...thing.attributes, ...command.attributes } : { ...command.attributes };
    // AttributePayload: "To remove an attribute, call UpdateThing with an empty attribute value."
    for (const [name, value] of Object.entries(attributes)) if (value === '') delete attributes[name];
  }
  if (command.removeThingType && command.thingTypeName !== null) throw iotErrors.invalidRequest('Pass either thingTypeName or removeThingType, not both.');
  const thingTypeName = command.removeThingType ? null : (command.thingTypeName ?? thing.thingTypeName);
  checkAttributeCount(thing.thingName, attributes, thingTypeName);
  return [
    {
      type: IOT_EVENT_TYPES.ThingUpdated,
      schemaVersion: 1,
      data: { accountId: thing.accountId, thingName: thing.thingName, attributes, version: thing.version + 1, updatedAt: command.now.toISOString() },
    },
    ...(thingTypeName === thing.thingTypeName ? [] : [typeAssigned(thing, thingTypeName, command.now)]),
  ];
}

function remove(command: DeleteThing, state: ThingState): ThingEvent[] {
  // AWS IoT DeleteThing: "Returns successfully with no error if the deletion is successful or you
  // specify a thing that doesn't exist."
  if (state.status === 'Absent') return [];
  checkExpectedVersion(state, command.expectedVersion, 'DeleteThing');
  if (state.principals.length > 0) {
    // AWS answers this with InvalidRequestException (DeleteThing models no DeleteConflictException).
    throw iotErrors.invalidRequest(
      `Cannot delete. Thing ${state.thingName} is still attached to one or more principals (${state.principals.map((p) => p.principal).join(', ')}); detach them with DetachThingPrincipal first.`,
    );
  }
  return [
    {
      type: IOT_EVENT_TYPES.ThingDeleted,
      schemaVersion: 1,
      data: { accountId: state.accountId, thingName: state.thingName, thingId: state.thingId, deletedAt: command.now.toISOString() },
    },
  ];
}

function attach(command: AttachPrincipal, state: ThingState): ThingEvent[] {
  const thing = existingThing(state, command.thingName);
  if (thing.principals.some((p) => p.certificateId === command.certificateId && p.thingPrincipalType === command.thingPrincipalType)) return [];
  return [
    {
      type: IOT_EVENT_TYPES.ThingPrincipalAttached,
      schemaVersion: 1,
      data: {
        accountId: thing.accountId,
        thingName: thing.thingName,
        principal: command.principal,
        certificateId: command.certificateId,
        thingPrincipalType: command.thingPrincipalType,
        attachedAt: command.now.toISOString(),
      },
    },
  ];
}

function detach(command: DetachPrincipal, state: ThingState): ThingEvent[] {
  const thing = existingThing(state, command.thingName);
  const attached = thing.principals.find((p) => p.certificateId === command.certificateId);
  if (!attached) return [];
  return [
    {
      type: IOT_EVENT_TYPES.ThingPrincipalDetached,
      schemaVersion: 1,
      data: { accountId: thing.accountId, thingName: thing.thingName, principal: attached.principal, certificateId: attached.certificateId, detachedAt: command.now.toISOString() },
    },
  ];
}

export function decideThing(command: ThingCommand, state: ThingState): ThingEvent[] {
  switch (command.type) {
    case 'CreateThing':
      return create(command, state);
    case 'UpdateThing':
      return update(command, state);
    case 'DeleteThing':
      return remove(command, state);
    case 'AttachPrincipal':
      return attach(command, state);
    case 'DetachPrincipal':
      return detach(command, state);
    default: {
      const exhaustive: never = command;
      throw new Error(`unknown command ${String((exhaustive as { type: string }).type)}`);
    }
  }
}

export function evolveThing(state: ThingState, event: ThingEvent): ThingState {
  if (event.type === IOT_EVENT_TYPES.ThingCreated) {
    const d = event.data;
    return {
      status: 'Exists',
      accountId: d.accountId,
      thingName: d.thingName,
      thingId: d.thingId,
      thingArn: d.thingArn,
      attributes: d.attributes,
      version: d.version,
      creationDate: d.createdAt,
      principals: [],
      thingTypeName: null,
    };
  }
  if (state.status === 'Absent') return state;
  switch (event.type) {
    case IOT_EVENT_TYPES.ThingUpdated:
      return { ...state, attributes: event.data.attributes, version: event.data.version };
    case IOT_EVENT_TYPES.ThingDeleted:
      return initialThingState;
    case IOT_EVENT_TYPES.ThingTypeAssigned:
      return { ...state, thingTypeName: event.data.thingTypeName };
    // Principals are not part of the thing record, so its version stays (AWS counts registry updates only).
    case IOT_EVENT_TYPES.ThingPrincipalAttached: {
      const d = event.data;
      const others = state.principals.filter((p) => p.certificateId !== d.certificateId);
      return { ...state, principals: [...others, { principal: d.principal, certificateId: d.certificateId, thingPrincipalType: d.thingPrincipalType }] };
    }
    case IOT_EVENT_TYPES.ThingPrincipalDetached:
      return { ...state, principals: state.principals.filter((p) => p.certificateId !== event.data.certificateId) };
    default: {
      const exhaustive: never = event;
      throw new Error(`unknown event ${String((exhaustive as { type: string }).type)}`);
    }
  }
}
