/**
 * A declarative mirror of Smithy shapes and the constraint traits AWS validates before an
 * operation runs: `@required`, `@enum`, `@length`, `@pattern`, `@range`, `@sensitive`
 * (Smithy IDL 2.0 "Constraint traits"). Member names are written as the wire has them
 * (`CertificateAuthorityConfiguration` for ACM PCA, `caCertificateId` for IoT).
 */

interface MemberTraits {
  /** Smithy `@required`. */
  readonly required?: boolean;
  /** Smithy `@sensitive`: the value is left out of validation messages. */
  readonly sensitive?: boolean;
}

interface LengthTraits {
  /** `@length(min:)`: characters (Unicode scalar values) for strings, bytes for blobs, entries for lists and maps. */
  readonly min?: number;
  readonly max?: number;
}

export interface StringShape extends MemberTraits, LengthTraits {
  readonly type: 'string';
  /** `@pattern`, matched against the whole value as AWS's validator does. A string is printed verbatim in messages. */
  readonly pattern?: string | RegExp;
  /** `@enum` / enum shape values, in model order (the order AWS prints them). */
  readonly enum?: readonly string[];
}

export type NumericType = 'integer' | 'long' | 'float' | 'double';

export interface NumberShape extends MemberTraits {
  readonly type: NumericType;
  /** `@range(min:, max:)`, inclusive. */
  readonly min?: number;
  readonly max?: number;
}

export interface BooleanShape extends MemberTraits {
  readonly type: 'boolean';
}

export interface BlobShape extends MemberTraits, LengthTraits {
  readonly type: 'blob';
}

export interface TimestampShape extends MemberTraits {
  readonly type: 'timestamp';
}

export interface DocumentShape extends MemberTraits {
  readonly type: 'document';
}

export interface ListShape<M extends Shape = Shape> extends MemberTraits, LengthTraits {
  readonly type: 'list';
  readonly member: M;
}

export interface MapShape<V extends Shape = Shape> extends MemberTraits, LengthTraits {
  readonly type: 'map';
  readonly key: StringShape;
  readonly value: V;
}

export interface StructureShape<M extends Record<string, Shape> = Record<string, Shape>> extends MemberTraits {
  readonly type: 'structure';
  readonly members: M;
}

export type Shape =
  | StringShape
  | NumberShape
  | BooleanShape
  | BlobShape
  | TimestampShape
  | DocumentShape
  | ListShape<any>
  | MapShape<any>
  | StructureShape<any>;

type Opts<T> = Omit<T, 'type'>;

/** Shape constructors; `const` type parameters keep `required: true` literal for {@link Infer}. */
export const S = {
  string: <const O extends Opts<StringShape>>(opts?: O) => ({ type: 'string', ...opts }) as { type: 'string' } & O,
  integer: <const O extends Opts<NumberShape>>(opts?: O) => ({ type: 'integer', ...opts }) as { type: 'integer' } & O,
  long: <const O extends Opts<NumberShape>>(opts?: O) => ({ type: 'long', ...opts }) as { type: 'long' } & O,
  float: <const O extends Opts<NumberShape>>(opts?: O) => ({ type: 'float', ...opts }) as { type: 'float' } & O,
  double: <const O extends Opts<NumberShape>>(opts?: O) => ({ type: 'double', ...opts }) as { type: 'double' } & O,
  boolean: <const O extends Opts<BooleanShape>>(opts?: O) => ({ type: 'boolean', ...opts }) as { type: 'boolean' } & O,
  blob: <const O extends Opts<BlobShape>>(opts?: O) => ({ type: 'blob', ...opts }) as { type: 'blob' } & O,
  timestamp: <const O extends Opts<TimestampShape>>(opts?: O) => ({ type: 'timestamp', ...opts }) as { type: 'timestamp' } & O,
  document: <const O extends Opts<DocumentShape>>(opts?: O) => ({ type: 'document', ...opts }) as { type: 'document' } & O,
  list: <M extends Shape, const O extends Opts<Omit<ListShape, 'member'>>>(member: M, opts?: O) =>
    ({ type: 'list', member, ...opts }) as { type: 'list'; member: M } & O,
  map: <V extends Shape, const O extends Opts<Omit<MapShape, 'key' | 'value'>>>(key: StringShape, value: V, opts?: O) =>
    ({ type: 'map', key, value, ...opts }) as { type: 'map'; key: StringShape; value: V } & O,
  structure: <M extends Record<string, Shape>, const O extends Opts<Omit<StructureShape, 'members'>>>(members: M, opts?: O) =>
    ({ type: 'structure', members, ...opts }) as { type: 'structure'; members: M } & O,
};

type RequiredKeys<M> = { [K in keyof M]: M[K] extends { required: true } ? K : never }[keyof M];
type OptionalKeys<M> = Exclude<keyof M, RequiredKeys<M>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/**
 * The TypeScript type of a validated input. Blobs stay base64 strings and timestamps epoch
 * seconds (the JSON as received): decoding is the handler's step after validation.
 */
export type Infer<T> = T extends { type: 'string'; enum: readonly (infer E)[] }
  ? E
  : T extends { type: 'string' }
    ? string
    : T extends { type: NumericType }
      ? number
      : T extends { type: 'boolean' }
        ? boolean
        : T extends { type: 'blob' }
          ? string
          : T extends { type: 'timestamp' }
            ? number
            : T extends { type: 'list'; member: infer M }
              ? Infer<M>[]
              : T extends { type: 'map'; value: infer V }
                ? Record<string, Infer<V>>
                : T extends { type: 'structure'; members: infer M }
                  ? Simplify<{ [K in RequiredKeys<M>]: Infer<M[K]> } & { [K in OptionalKeys<M>]?: Infer<M[K]> }>
                  : unknown;
