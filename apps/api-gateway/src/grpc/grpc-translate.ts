/**
 * Between proto messages (as @grpc/proto-loader hands them over with PROTO_LOADER_OPTIONS:
 * snake_case fields, enums by value name, bytes as Buffer, int64 as number, Timestamp as
 * `{seconds, nanos}`, unset fields absent) and the AWS JSON the HTTP routes carry (AWS member
 * names, enums by AWS value, blobs base64, timestamps epoch seconds). Driven entirely by the
 * generated mapping (generated/grpc-model.ts, from the same AWS models as the protos), so the
 * input a gRPC call produces is exactly the input an SDK call would send, and goes through the
 * same model check.
 *
 * Input: an enum value the proto does not know (a newer client's) is passed on as text, so the
 * model check refuses it with the usual "Member must satisfy enum value set" message. Output:
 * members the proto does not model, and enum values it does not know, are left out.
 */
import { GRPC_ENUMS, GRPC_MESSAGES, type GrpcWireType } from './generated/grpc-model';

/** @grpc/proto-loader options the translation relies on. */
export const PROTO_LOADER_OPTIONS = {
  keepCase: true,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: false,
  arrays: false,
  objects: false,
  oneofs: true,
} as const;

type ProtoObject = Record<string, unknown>;

/** google.protobuf.Timestamp as proto-loader hands it over (int64 seconds as number with longs: Number). */
export interface ProtoTimestamp {
  readonly seconds?: number | string;
  readonly nanos?: number;
}

/** Epoch milliseconds (fractions kept) as a Timestamp; undefined for a time that is not one. */
export function protoTimestamp(ms: number): { seconds: number; nanos: number } | undefined {
  if (!Number.isFinite(ms)) return undefined;
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1e6) };
}

/** A Timestamp as epoch milliseconds (fractions kept). */
export function msFromProtoTimestamp(t: ProtoTimestamp): number {
  return Number(t.seconds ?? 0) * 1000 + (t.nanos ?? 0) / 1e6;
}

/** AWS value -> proto value name, per enum, built on first use. */
const awsToProtoEnum = new Map<string, ReadonlyMap<string, string>>();

function protoEnumValue(enumName: string, awsValue: string): string | undefined {
  let reverse = awsToProtoEnum.get(enumName);
  if (!reverse) {
    reverse = new Map(Object.entries(GRPC_ENUMS[enumName] ?? {}).map(([proto, aws]) => [aws, proto]));
    awsToProtoEnum.set(enumName, reverse);
  }
  return reverse.get(awsValue);
}

function fieldsOf(message: string): NonNullable<(typeof GRPC_MESSAGES)[string]> {
  const fields = GRPC_MESSAGES[message];
  if (!fields) throw new Error(`no gRPC mapping for message ${message}`);
  return fields;
}

// ---- proto -> AWS JSON ----

function awsValue(type: GrpcWireType, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  switch (type.kind) {
    case 'string':
    case 'boolean':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return value;
    case 'blob':
      return Buffer.isBuffer(value) || value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
    case 'timestamp':
      return msFromProtoTimestamp(value as ProtoTimestamp) / 1000;
    case 'enum': {
      const name = String(value);
      if (name.endsWith('_UNSPECIFIED') && !Object.hasOwn(GRPC_ENUMS[type.name] ?? {}, name)) return undefined;
      return GRPC_ENUMS[type.name]?.[name] ?? name;
    }
    case 'structure':
      return toAwsJson(type.name, value as ProtoObject);
    case 'list': {
      const items = value as unknown[];
      return items.map((item) => awsValue(type.member, type.wrapper ? (item as ProtoObject)[type.wrapper] : item));
    }
    case 'map': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as ProtoObject)) out[key] = awsValue(type.value, type.wrapper ? (item as ProtoObject)[type.wrapper] : item);
      return out;
    }
  }
}

/** A decoded proto message of `message` (full proto name) as the AWS JSON input/output it mirrors. */
export function toAwsJson(message: string, value: ProtoObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fieldsOf(message)) {
    const converted = awsValue(field.type, value[field.proto]);
    if (converted !== undefined) out[field.aws] = converted;
  }
  return out;
}

// ---- AWS JSON -> proto ----

function protoValue(type: GrpcWireType, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  switch (type.kind) {
    case 'string':
      return typeof value === 'string' ? value : String(value);
    case 'boolean':
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return value;
    case 'blob':
      return typeof value === 'string' ? Buffer.from(value, 'base64') : value;
    case 'timestamp':
      return protoTimestamp(typeof value === 'number' ? value * 1000 : value instanceof Date ? value.getTime() : Date.parse(String(value)));
    case 'enum':
      return protoEnumValue(type.name, String(value));
    case 'structure':
      return typeof value === 'object' ? fromAwsJson(type.name, value as Record<string, unknown>) : undefined;
    case 'list': {
      if (!Array.isArray(value)) return undefined;
      const items = value.map((item) => protoValue(type.member, item)).filter((item) => item !== undefined);
      return type.wrapper ? items.map((item) => ({ [type.wrapper!]: item })) : items;
    }
    case 'map': {
      if (typeof value !== 'object') return undefined;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        const converted = protoValue(type.value, item);
        if (converted !== undefined) out[key] = type.wrapper ? { [type.wrapper]: converted } : converted;
      }
      return out;
    }
  }
}

/** AWS JSON (a service's result, as the HTTP route would send it) as a proto message object of `message`. */
export function fromAwsJson(message: string, value: Record<string, unknown>): ProtoObject {
  const out: ProtoObject = {};
  for (const field of fieldsOf(message)) {
    const converted = protoValue(field.type, value[field.aws]);
    if (converted !== undefined) out[field.proto] = converted;
  }
  return out;
}
