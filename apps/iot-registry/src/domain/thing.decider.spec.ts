import { IOT_EVENT_TYPES } from '@pki/contracts';
import { deciderSpec } from '@pki/testing';
import { decideThing, evolveThing, initialThingState, type ThingCommand } from './thing.decider';

const A = '111111111111';
const T0 = new Date('2026-11-23T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const CERT = 'c'.repeat(64);
const PRINCIPAL = `arn:aws:iot:us-east-1:${A}:cert/${CERT}`;

const { given, history } = deciderSpec({ decide: decideThing, evolve: evolveThing, initialState: initialThingState });

const create = (attributes: Record<string, string> = { color: 'red' }): ThingCommand => ({
  type: 'CreateThing',
  accountId: A,
  thingName: 'lamp-1',
  thingId: 'id-1',
  thingArn: `arn:aws:iot:us-east-1:${A}:thing/lamp-1`,
  attributes,
  thingTypeName: null,
  now: T0,
});
const update = (attributes: Record<string, string> | null, expectedVersion: number | null, merge = false): ThingCommand => ({
  type: 'UpdateThing',
  accountId: A,
  thingName: 'lamp-1',
  attributes,
  merge,
  expectedVersion,
  thingTypeName: null,
  removeThingType: false,
  now: at(1),
});
const remove = (expectedVersion: number | null): ThingCommand => ({ type: 'DeleteThing', accountId: A, thingName: 'lamp-1', expectedVersion, now: at(2) });
const attach: ThingCommand = { type: 'AttachPrincipal', accountId: A, thingName: 'lamp-1', principal: PRINCIPAL, certificateId: CERT, thingPrincipalType: 'NON_EXCLUSIVE_THING', now: at(3) };
const detach: ThingCommand = { type: 'DetachPrincipal', accountId: A, thingName: 'lamp-1', certificateId: CERT, now: at(4) };

describe('thing decider', () => {
  it('creates at version 1; the same configuration again changes nothing, another one is ResourceAlreadyExistsException', () => {
    const created = given(history(create()));
    expect(created.state).toMatchObject({ status: 'Exists', thingName: 'lamp-1', thingId: 'id-1', version: 1, attributes: { color: 'red' }, principals: [] });
    created.when(create()).then([]);
    const conflict = created.when(create({ color: 'blue' })).thenThrows({ code: 'ResourceAlreadyExistsException' }).toServiceError();
    expect(conflict.fields).toEqual({ resourceId: 'lamp-1', resourceArn: `arn:aws:iot:us-east-1:${A}:thing/lamp-1` });
    expect(conflict.message).toContain('already exists with other attributes');
    given([]).when(create({ a: '1', b: '2', c: '3', d: '4' })).thenThrows({ code: 'InvalidRequestException' });
  });

  it('UpdateThing with the right expectedVersion (or none) bumps the version; a wrong one is VersionConflictException and changes nothing', () => {
    given(history(create())).when(update({ size: 'L' }, 7)).thenThrows({ code: 'VersionConflictException', message: /at version 1, not the expectedVersion 7/ });
    const v2 = [create(), update({ size: 'L' }, 1)];
    expect(given(history(...v2)).state).toMatchObject({ version: 2, attributes: { size: 'L' } });
    const v3 = [...v2, update({ color: 'red' }, null, true)];
    expect(given(history(...v3)).state).toMatchObject({ version: 3, attributes: { size: 'L', color: 'red' } });
    // An empty value removes the attribute; no payload keeps them.
    const v4 = [...v3, update({ size: '' }, 3, true)];
    expect(given(history(...v4)).state).toMatchObject({ version: 4, attributes: { color: 'red' } });
    const v5 = [...v4, update(null, 4)];
    expect(given(history(...v5)).state).toMatchObject({ version: 5, attributes: { color: 'red' } });
    given(history(...v5)).when(update({ a: '1', b: '2', c: '3' }, null, true)).thenThrows({ code: 'InvalidRequestException' });
    given([]).when(update({}, null)).thenThrows({ code: 'ResourceNotFoundException' });
  });

  it('DeleteThing: wrong expectedVersion is VersionConflictException, attached principals are InvalidRequestException, an absent thing is a no-op', () => {
    given(history(create())).when(remove(2)).thenThrows({ code: 'VersionConflictException' });
    const attached = given(history(create(), attach));
    expect(attached.state).toMatchObject({ version: 1, principals: [{ principal: PRINCIPAL, certificateId: CERT, thingPrincipalType: 'NON_EXCLUSIVE_THING' }] });
    attached.when(attach).then([]);
    attached.when(remove(1)).thenThrows({ code: 'InvalidRequestException', message: /still attached to one or more principals/ });
    const detached = given(history(create(), attach, detach));
    detached.when(detach).then([]);
    expect(detached.when(remove(1)).events().map((e) => e.type)).toEqual([IOT_EVENT_TYPES.ThingDeleted]);
    expect(detached.when(remove(1)).state()).toEqual(initialThingState);
    given([]).when(remove(5)).then([]);
  });
});
