import { IOT_EVENT_TYPES } from '@pki/contracts';
import { decideThing, evolveThing, initialThingState, type ThingCommand, type ThingEvent, type ThingState } from './thing.decider';
import { errorOf } from './error-of.spec-helper';

const A = '111111111111';
const T0 = new Date('2026-11-23T10:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const CERT = 'c'.repeat(64);
const PRINCIPAL = `arn:aws:iot:us-east-1:${A}:cert/${CERT}`;

const given = (events: ThingEvent[]): ThingState => events.reduce(evolveThing, initialThingState);
const when = (state: ThingState, command: ThingCommand) => decideThing(command, state);

const create = (attributes: Record<string, string> = { color: 'red' }): ThingCommand => ({
  type: 'CreateThing',
  accountId: A,
  thingName: 'lamp-1',
  thingId: 'id-1',
  thingArn: `arn:aws:iot:us-east-1:${A}:thing/lamp-1`,
  attributes,
  now: T0,
});
const update = (attributes: Record<string, string> | null, expectedVersion: number | null, merge = false): ThingCommand => ({
  type: 'UpdateThing',
  accountId: A,
  thingName: 'lamp-1',
  attributes,
  merge,
  expectedVersion,
  now: at(1),
});
const remove = (expectedVersion: number | null): ThingCommand => ({ type: 'DeleteThing', accountId: A, thingName: 'lamp-1', expectedVersion, now: at(2) });
const attach: ThingCommand = { type: 'AttachPrincipal', accountId: A, thingName: 'lamp-1', principal: PRINCIPAL, certificateId: CERT, thingPrincipalType: 'NON_EXCLUSIVE_THING', now: at(3) };
const detach: ThingCommand = { type: 'DetachPrincipal', accountId: A, thingName: 'lamp-1', certificateId: CERT, now: at(4) };

const created = () => when(initialThingState, create());

describe('thing decider', () => {
  it('creates at version 1; the same configuration again changes nothing, another one is ResourceAlreadyExistsException', () => {
    const events = created();
    expect(given(events)).toMatchObject({ status: 'Exists', thingName: 'lamp-1', thingId: 'id-1', version: 1, attributes: { color: 'red' }, principals: [] });
    expect(when(given(events), create())).toEqual([]);
    expect(errorOf(() => when(given(events), create({ color: 'blue' }))).code).toBe('ResourceAlreadyExistsException');
    const conflict = errorOf(() => when(given(events), create({ color: 'blue' }))).toServiceError();
    expect(conflict.fields).toEqual({ resourceId: 'lamp-1', resourceArn: `arn:aws:iot:us-east-1:${A}:thing/lamp-1` });
    expect(conflict.message).toContain('already exists with other attributes');
    expect(errorOf(() => when(initialThingState, create({ a: '1', b: '2', c: '3', d: '4' }))).code).toBe('InvalidRequestException');
  });

  it('UpdateThing with the right expectedVersion (or none) bumps the version; a wrong one is VersionConflictException and changes nothing', () => {
    const events = created();
    const conflict = errorOf(() => when(given(events), update({ size: 'L' }, 7)));
    expect(conflict).toMatchObject({ code: 'VersionConflictException', message: expect.stringMatching(/at version 1, not the expectedVersion 7/) });
    const v2 = [...events, ...when(given(events), update({ size: 'L' }, 1))];
    expect(given(v2)).toMatchObject({ version: 2, attributes: { size: 'L' } });
    const v3 = [...v2, ...when(given(v2), update({ color: 'red' }, null, true))];
    expect(given(v3)).toMatchObject({ version: 3, attributes: { size: 'L', color: 'red' } });
    // An empty value removes the attribute; no payload keeps them.
    const v4 = [...v3, ...when(given(v3), update({ size: '' }, 3, true))];
    expect(given(v4)).toMatchObject({ version: 4, attributes: { color: 'red' } });
    const v5 = [...v4, ...when(given(v4), update(null, 4))];
    expect(given(v5)).toMatchObject({ version: 5, attributes: { color: 'red' } });
    expect(errorOf(() => when(given(v5), update({ a: '1', b: '2', c: '3' }, null, true))).code).toBe('InvalidRequestException');
    expect(errorOf(() => when(initialThingState, update({}, null))).code).toBe('ResourceNotFoundException');
  });

  it('DeleteThing: wrong expectedVersion is VersionConflictException, attached principals are InvalidRequestException, an absent thing is a no-op', () => {
    const events = created();
    expect(errorOf(() => when(given(events), remove(2))).code).toBe('VersionConflictException');
    const attached = [...events, ...when(given(events), attach)];
    expect(given(attached)).toMatchObject({ version: 1, principals: [{ principal: PRINCIPAL, certificateId: CERT, thingPrincipalType: 'NON_EXCLUSIVE_THING' }] });
    expect(when(given(attached), attach)).toEqual([]);
    expect(errorOf(() => when(given(attached), remove(1)))).toMatchObject({ code: 'InvalidRequestException', message: expect.stringMatching(/still attached to one or more principals/) });
    const detached = [...attached, ...when(given(attached), detach)];
    expect(when(given(detached), detach)).toEqual([]);
    const deleted = when(given(detached), remove(1));
    expect(deleted.map((e) => e.type)).toEqual([IOT_EVENT_TYPES.ThingDeleted]);
    expect(given([...detached, ...deleted])).toEqual(initialThingState);
    expect(when(initialThingState, remove(5))).toEqual([]);
  });
});
