import { array, integer, nullable, object, oneOf, openObject, optional, record, string, timestamp, type Schema } from './payload-schema';

describe('payload schemas', () => {
  it('name the member path and what it must be, never the value', () => {
    const schema = object({ a: string(), n: integer(), when: timestamp(), kind: oneOf(['X', 'Y']), tags: array(object({ Key: string() })), extra: record() });
    const good = { a: 'a', n: 3, when: '2026-11-22T10:00:00.000Z', kind: 'X', tags: [{ Key: 'k' }], extra: {} };
    expect(schema.problem(good, 'data')).toBeUndefined();
    expect(schema.problem({ ...good, a: 7 }, 'data')).toBe('data.a must be a string (got number)');
    expect(schema.problem({ ...good, a: undefined }, 'data')).toBe('data.a must be a string (missing)');
    expect(schema.problem({ ...good, n: 1.5 }, 'data')).toBe('data.n must be an integer (got number)');
    expect(schema.problem({ ...good, when: 'yesterday' }, 'data')).toBe('data.when must be an ISO-8601 timestamp (got string)');
    expect(schema.problem({ ...good, when: '2026-13-45T10:00:00Z' }, 'data')).toBe('data.when must be an ISO-8601 timestamp (got string)');
    expect(schema.problem({ ...good, kind: 'Z' }, 'data')).toBe('data.kind must be one of X, Y (got string)');
    expect(schema.problem({ ...good, tags: [{ Key: 'k' }, { Key: null }] }, 'data')).toBe('data.tags[1].Key must be a string (null)');
    expect(schema.problem({ ...good, tags: {} }, 'data')).toBe('data.tags must be an array (got object)');
    expect(schema.problem({ ...good, extra: [] }, 'data')).toBe('data.extra must be an object (got an array)');
    expect(schema.problem(null, 'data')).toBe('data must be an object (null)');
    expect(schema.problem('{}', 'data')).toBe('data must be an object (got string)');
  });

  it('accept null only where nullable, and members they do not name', () => {
    const schema = object({ token: nullable(string()) });
    expect(schema.problem({ token: null, added: 1 }, 'data')).toBeUndefined();
    expect(schema.problem({ token: 1 }, 'data')).toBe('data.token must be a string (got number)');
    expect(schema.problem({}, 'data')).toBe('data.token must be a string (missing)');
    expect(object({ token: string() }).problem({ token: null }, 'data')).toBe('data.token must be a string (null)');
  });

  it('accept the timestamps producers write (toISOString) and offsets', () => {
    for (const ok of [new Date(0).toISOString(), '9999-12-31T23:59:59Z', '2026-11-22T10:00:00+01:00']) expect(timestamp().problem(ok, 't')).toBeUndefined();
    for (const bad of ['2026-11-22', '2026-11-22T10:00:00', 1_700_000_000_000]) expect(timestamp().problem(bad, 't')).toMatch(/^t must be an ISO-8601 timestamp/);
  });

  it('openObject checks the named members and keeps the others', () => {
    const schema = openObject({ KeyAlgorithm: oneOf(['RSA_2048']) });
    expect(schema.problem({ KeyAlgorithm: 'RSA_2048', Subject: { CommonName: 'x' } }, 'data.configuration')).toBeUndefined();
    expect(schema.problem({ Subject: {} }, 'data.configuration')).toBe('data.configuration.KeyAlgorithm must be one of RSA_2048 (missing)');
  });

  it('cannot drift from the contract type they are annotated with (checked by the type check)', () => {
    interface Contract {
      readonly serial: string;
      readonly reason: 'A' | 'B';
    }
    const exact: Schema<Contract> = object({ serial: string(), reason: oneOf(['A', 'B']) });
    // @ts-expect-error a member of the contract is missing from the schema
    const missing: Schema<Contract> = object({ serial: string() });
    // @ts-expect-error a member the contract does not have
    const extra: Schema<Contract> = object({ serial: string(), reason: oneOf(['A', 'B']), more: string() });
    // @ts-expect-error an enum value the contract does not have (or lacks one)
    const values: Schema<Contract> = object({ serial: string(), reason: oneOf(['A']) });
    // @ts-expect-error a member of another type
    const typed: Schema<Contract> = object({ serial: integer(), reason: oneOf(['A', 'B']) });
    expect([exact, missing, extra, values, typed].every((schema) => typeof schema.problem === 'function')).toBe(true);
  });
  it('accepts an optional member left out, and checks it when present', () => {
    const schema = object({ id: string(), partition: optional(string()) });
    expect(schema.problem({ id: 'a' }, 'data')).toBeUndefined();
    expect(schema.problem({ id: 'a', partition: 'p' }, 'data')).toBeUndefined();
    expect(schema.problem({ id: 'a', partition: 7 }, 'data')).toBe('data.partition must be a string (got number)');
  });
});
