import { IOT_EVENT_TYPES } from '@pki/contracts';
import { deciderSpec, errorOf } from '@pki/testing';
import { decideThing, evolveThing, initialThingState, type ThingCommand } from './thing.decider';
import { assignableThingType, decideThingType, evolveThingType, initialThingTypeState, type ThingTypeCommand } from './thing-type.decider';

const A = '111111111111';
const T0 = new Date('2026-12-08T10:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

const types = deciderSpec({ decide: decideThingType, evolve: evolveThingType, initialState: initialThingTypeState });
const things = deciderSpec({ decide: decideThing, evolve: evolveThing, initialState: initialThingState });

const create: ThingTypeCommand = {
  type: 'CreateThingType',
  accountId: A,
  thingTypeName: 'lamp',
  thingTypeId: 'tt-1',
  thingTypeArn: `arn:aws:iot:us-east-1:${A}:thingtype/lamp`,
  properties: { thingTypeDescription: 'lamps', searchableAttributes: ['color'] },
  tags: [],
  now: T0,
};
const deprecate = (at: Date, undoDeprecate = false): ThingTypeCommand => ({ type: 'DeprecateThingType', accountId: A, thingTypeName: 'lamp', undoDeprecate, now: at });
const remove = (at: Date, thingCount = 0): ThingTypeCommand => ({ type: 'DeleteThingType', accountId: A, thingTypeName: 'lamp', thingCount, now: at });

describe('thing type decider', () => {
  it('creates once (ResourceAlreadyExistsException with its ARN); at most 3 searchable attributes', () => {
    const created = types.given(types.history(create));
    expect(created.state).toMatchObject({ status: 'Exists', thingTypeId: 'tt-1', deprecated: false, deprecationDate: null });
    expect(created.when(create).thenThrows({ code: 'ResourceAlreadyExistsException' }).toServiceError().fields).toEqual({ resourceId: 'lamp', resourceArn: create.type === 'CreateThingType' ? create.thingTypeArn : '' });
    types.given([]).when({ ...create, properties: { thingTypeDescription: null, searchableAttributes: ['a', 'b', 'c', 'd'] } } as ThingTypeCommand).thenThrows({ code: 'InvalidRequestException' });
  });

  it('deprecates and undoes it; a deprecated type takes no new things', () => {
    const deprecated = types.given(types.history(create, deprecate(T0)));
    expect(deprecated.state).toMatchObject({ deprecated: true, deprecationDate: T0.toISOString() });
    deprecated.when(deprecate(minutes(1))).then([]);
    expect(errorOf(() => assignableThingType(deprecated.state, 'lamp')).code).toBe('InvalidRequestException');
    const undone = types.given(types.history(create, deprecate(T0), deprecate(minutes(1), true)));
    expect(undone.state).toMatchObject({ deprecated: false });
    expect(assignableThingType(undone.state, 'lamp').thingTypeName).toBe('lamp');
    expect(errorOf(() => assignableThingType(initialThingTypeState, 'lamp')).code).toBe('ResourceNotFoundException');
    types.given([]).when(deprecate(T0)).thenThrows({ code: 'ResourceNotFoundException' });
  });

  it('deletes only five minutes after deprecation, and only with no things of the type (InvalidRequestException)', () => {
    types.given(types.history(create)).when(remove(minutes(10))).thenThrows({ code: 'InvalidRequestException', message: /not deprecated/ });
    const deprecated = types.given(types.history(create, deprecate(T0)));
    deprecated.when(remove(minutes(4))).thenThrows({ code: 'InvalidRequestException', message: /from 2026-12-08T10:05:00.000Z/ });
    deprecated.when(remove(minutes(5), 2)).thenThrows({ code: 'InvalidRequestException', message: /2 thing\(s\)/ });
    expect(deprecated.when(remove(minutes(5))).events().map((e) => e.type)).toEqual([IOT_EVENT_TYPES.ThingTypeDeleted]);
    // Undeprecated and deprecated again: the five minutes count from the last deprecation.
    types.given(types.history(create, deprecate(T0), deprecate(minutes(1), true), deprecate(minutes(8)))).when(remove(minutes(10))).thenThrows({ code: 'InvalidRequestException' });
    types.given([]).when(remove(T0)).thenThrows({ code: 'ResourceNotFoundException' });
  });
});

describe('a thing with a type', () => {
  const createThing = (thingTypeName: string | null, attributes: Record<string, string> = {}): ThingCommand => ({
    type: 'CreateThing',
    accountId: A,
    thingName: 'lamp-1',
    thingId: 'id-1',
    thingArn: `arn:aws:iot:us-east-1:${A}:thing/lamp-1`,
    attributes,
    thingTypeName,
    now: T0,
  });
  const update = (thingTypeName: string | null, removeThingType: boolean): ThingCommand => ({
    type: 'UpdateThing',
    accountId: A,
    thingName: 'lamp-1',
    attributes: null,
    merge: false,
    expectedVersion: null,
    thingTypeName,
    removeThingType,
    now: minutes(1),
  });

  it('records its type at creation; the same name with another type is ResourceAlreadyExistsException', () => {
    const typed = things.given(things.history(createThing('lamp')));
    expect(typed.state).toMatchObject({ thingTypeName: 'lamp' });
    typed.when(createThing('lamp')).then([]);
    typed.when(createThing(null)).thenThrows({ code: 'ResourceAlreadyExistsException' });
    expect(things.given(things.history(createThing(null))).state).toMatchObject({ thingTypeName: null });
  });

  it('takes up to 50 attributes with a type, 3 without', () => {
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`a${i}`, 'v']));
    expect(things.given([]).when(createThing('lamp', many)).events()).toHaveLength(2);
    things.given([]).when(createThing('lamp', { ...many, extra: 'v' })).thenThrows({ code: 'InvalidRequestException', message: /at most 50/ });
    things.given([]).when(createThing(null, { a: '1', b: '2', c: '3', d: '4' })).thenThrows({ code: 'InvalidRequestException', message: /at most 3/ });
    // Removing the type of a thing with more than 3 attributes is refused.
    things.given(things.history(createThing('lamp', { a: '1', b: '2', c: '3', d: '4' }))).when(update(null, true)).thenThrows({ code: 'InvalidRequestException' });
  });

  it('UpdateThing changes or removes the type (a new version); both at once is InvalidRequestException', () => {
    const typed = things.given(things.history(createThing('lamp')));
    expect(typed.when(update(null, true)).events().map((e) => e.type)).toEqual([IOT_EVENT_TYPES.ThingUpdated, IOT_EVENT_TYPES.ThingTypeAssigned]);
    expect(things.given(things.history(createThing('lamp'), update(null, true))).state).toMatchObject({ thingTypeName: null, version: 2 });
    expect(things.given(things.history(createThing('lamp'), update('fan', false))).state).toMatchObject({ thingTypeName: 'fan' });
    expect(typed.when(update(null, false)).events().map((e) => e.type)).toEqual([IOT_EVENT_TYPES.ThingUpdated]);
    typed.when(update('fan', true)).thenThrows({ code: 'InvalidRequestException' });
  });
});
