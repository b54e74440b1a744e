/**
 * A tiny schema language for event payloads (JSON values), checked at the consumer.
 *
 * Hand-written rather than a library such as zod: the payloads are plain JSON with a handful
 * of member kinds (strings, timestamps, integers, enums, nullables, arrays, nested objects), the
 * reasons must name the event and the member path exactly as an operator reads them in the
 * parked-events table, and libs/contracts stays free of dependencies (it is imported by every
 * service and by pure domain code). About a hundred lines, fully covered by its spec.
 *
 * A `Schema<T>` is invariant in `T`, so annotating a schema with the contract's interface
 * (`const s: Schema<CertificateIssuedV1> = object({...})`) fails to type check as soon as the
 * two differ in a member or its type: schema and type cannot drift apart.
 *
 * Members a schema does not name are accepted (a producer may add a member without breaking
 * consumers); a breaking change is a new schema version (STYLE.md "Events are contracts").
 */
export interface Schema<T> {
  /** Why `value` (found at `path`, e.g. `data.tags[0].Key`) does not conform, or undefined. */
  readonly problem: (value: unknown, path: string) => string | undefined;
  /** Type-only: makes Schema<T> invariant in T (never set at run time). */
  readonly __type?: (value: T) => T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

/** How a wrong value is shown in a reason: its JSON kind, never its content (payloads may be large). */
function kindOf(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'got an array';
  return `got ${typeof value}`;
}

const mismatch = (path: string, expected: string, value: unknown) => `${path} must be ${expected} (${kindOf(value)})`;

function primitive<T>(expected: string, accepts: (value: unknown) => boolean): Schema<T> {
  return { problem: (value, path) => (accepts(value) ? undefined : mismatch(path, expected, value)) };
}

export const string = (): Schema<string> => primitive('a string', (v) => typeof v === 'string');

export const integer = (): Schema<number> => primitive('an integer', (v) => Number.isSafeInteger(v));

/** ISO-8601 date-time with an offset, as `Date.prototype.toISOString` writes it (projections turn it into a timestamp). */
const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
export const timestamp = (): Schema<string> =>
  primitive('an ISO-8601 timestamp', (v) => typeof v === 'string' && ISO_TIMESTAMP.test(v) && !Number.isNaN(Date.parse(v)));

/** One of the given strings (an AWS enum, a status). */
export function oneOf<const V extends string>(values: readonly V[]): Schema<V> {
  const allowed: ReadonlySet<unknown> = new Set(values);
  return primitive(`one of ${values.join(', ')}`, (v) => allowed.has(v));
}

export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return { problem: (value, path) => (value === null ? undefined : schema.problem(value, path)) };
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function array<T>(item: Schema<T>): Schema<readonly T[]> {
  return {
    problem: (value, path) => {
      if (!Array.isArray(value)) return mismatch(path, 'an array', value);
      for (let i = 0; i < value.length; i++) {
        const problem = item.problem(value[i], `${path}[${i}]`);
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

/** A JSON object whose members are not checked here (an AWS structure passed through as accepted). */
export const record = (): Schema<Record<string, unknown>> => primitive('an object', isRecord);

/**
 * A member a producer may leave out (added to a contract after its first version: a consumer of
 * an older event finds it absent). When present it must conform to `schema`.
 */
export interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly optional: true;
}

export function optional<T>(schema: Schema<T>): OptionalSchema<T> {
  return { optional: true, problem: (value, path) => (value === undefined ? undefined : schema.problem(value, path)) };
}

type Shape = Readonly<Record<string, Schema<any>>>;
type RequiredKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalSchema<any> ? never : K }[keyof S];
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends OptionalSchema<any> ? K : never }[keyof S];
type Flatten<T> = { [K in keyof T]: T[K] };
type ObjectOf<S extends Shape> = Flatten<
  { readonly [K in RequiredKeys<S>]: Infer<S[K]> } & { readonly [K in OptionalKeys<S>]?: S[K] extends OptionalSchema<infer T> ? T : never }
>;

/** A JSON object with (at least) these members; the first one that does not conform is the reason. */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  return {
    problem: (value, path) => {
      if (!isRecord(value)) return mismatch(path, 'an object', value);
      for (const [key, member] of Object.entries(shape)) {
        const problem = member.problem(value[key], `${path}.${key}`);
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

/**
 * Like `object`, for a structure whose other members are kept as they came (the inferred type
 * carries an index signature for them).
 */
export function openObject<S extends Shape>(shape: S): Schema<ObjectOf<S> & { readonly [member: string]: unknown }> {
  return object(shape) as Schema<ObjectOf<S> & { readonly [member: string]: unknown }>;
}
