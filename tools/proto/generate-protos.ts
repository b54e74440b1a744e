/**
 * Generates the gRPC contract from AWS's own service models (the vendored botocore models the
 * shape generator reads, tools/shapes/services.ts): one proto3 package and service per AWS API,
 * one rpc per routed operation, named as the operation, with request and response messages
 * that mirror the operation's input and output shapes member for member (proto-model.ts).
 *
 * It writes the .proto files under proto/ and the gateway's translation table between the
 * decoded proto messages and AWS JSON (apps/api-gateway/src/grpc/generated/grpc-model.ts).
 * Mapping rules:
 *   - field name: lower_snake_case of the member name, `json_name` = the member name, numbered
 *     1.. in model member order;
 *   - string -> string, boolean -> bool, integer -> int32, long -> int64, float -> float,
 *     double -> double, blob -> bytes, timestamp -> google.protobuf.Timestamp,
 *     structure -> message (named as the shape), list -> repeated, map -> map<string, V>;
 *     no routed shape has a list or map inside a list or map (that would need a wrapper
 *     message: the generator refuses it);
 *   - every singular scalar and enum field is `optional` (explicit presence: an absent member
 *     stays absent, as in AWS JSON);
 *   - enum strings -> proto enums named as the shape, `<ENUM>_UNSPECIFIED = 0`, then
 *     `<ENUM>_<VALUE>` in model order from 1 (naming.ts; AWS's own value UNSPECIFIED, in
 *     RevocationReason, becomes `<ENUM>_AWS_UNSPECIFIED`);
 *   - comments: one plain-text sentence of AWS's documentation per rpc, message and enum, and
 *     the operation's page of the AWS API Reference.
 *
 *   npm run generate:protos                 writes the files
 *   npm run generate:protos -- --json       prints { path: content } instead
 *   npm run generate:grpc                   this, then `buf generate` (TypeScript in libs/grpc-api)
 *
 * libs/grpc-api/src/generated-protos.spec.ts runs it with --json and fails when the committed
 * files differ.
 */
import { runGenerator } from '../shapes/generator-cli';
import { MODEL_SOURCE, SERVICES } from '../shapes/services';
import { unspecifiedValueName } from './naming';
import { protoPackage, type ProtoField, type ProtoPackage, type WireType } from './proto-model';

const GENERATOR = 'tools/proto/generate-protos.ts';
export const PROTO_ROOT = 'proto';
export const GRPC_MODEL_OUT = 'apps/api-gateway/src/grpc/generated/grpc-model.ts';

const REGENERATE = 'Regenerate with `npm run generate:grpc`; the staleness test is libs/grpc-api/src/generated-protos.spec.ts.';

const modelFile = (pkg: ProtoPackage): string => `tools/aws-models/${pkg.spec.modelId}.service-2.json`;

// ---- .proto ----

const SCALAR_PROTO: Readonly<Record<string, string>> = {
  string: 'string',
  boolean: 'bool',
  integer: 'int32',
  long: 'int64',
  float: 'float',
  double: 'double',
  blob: 'bytes',
  timestamp: 'google.protobuf.Timestamp',
};

const protoType = (type: WireType): string => {
  switch (type.kind) {
    case 'enum':
    case 'structure':
      return type.name;
    case 'list':
    case 'map':
      throw new Error(`a ${type.kind} is not an element type`);
    default:
      return SCALAR_PROTO[type.kind];
  }
};

/** Scalars (timestamps are messages) and enums get explicit presence; messages have it already. */
const hasPresence = (type: WireType): boolean => type.kind !== 'structure' && type.kind !== 'timestamp' && type.kind !== 'list' && type.kind !== 'map';

const fieldLine = (field: ProtoField): string => {
  const { type } = field;
  const declared =
    type.kind === 'list'
      ? `repeated ${protoType(type.member)}`
      : type.kind === 'map'
        ? `map<string, ${protoType(type.value)}>`
        : `${hasPresence(type) ? 'optional ' : ''}${protoType(type)}`;
  return `  ${declared} ${field.proto} = ${field.number} [json_name = "${field.aws}"];`;
};

const comments = (lines: readonly string[], indent = ''): string[] => lines.map((line) => `${indent}// ${line}`);

const usesTimestamp = (type: WireType): boolean =>
  type.kind === 'timestamp' || (type.kind === 'list' && usesTimestamp(type.member)) || (type.kind === 'map' && usesTimestamp(type.value));

const renderProto = (pkg: ProtoPackage): string => {
  const { grpc, model, methods, messages, enums } = pkg;
  const { serviceFullName, apiVersion } = model.metadata;
  const timestamp = messages.some((message) => message.fields.some((field) => usesTimestamp(field.type)));
  const blocks = [
    ...messages.map((message) =>
      message.fields.length === 0
        ? [...comments(message.comments), `message ${message.name} {}`].join('\n')
        : [...comments(message.comments), `message ${message.name} {`, ...message.fields.map(fieldLine), '}'].join('\n'),
    ),
    ...enums.map((e) =>
      [
        ...comments(e.comments),
        `enum ${e.name} {`,
        `  ${unspecifiedValueName(e.name)} = 0;`,
        ...e.values.map((value, index) => `  ${value.proto} = ${index + 1}; // ${value.aws}`),
        '}',
      ].join('\n'),
    ),
  ];
  return [
    `// Code generated by ${GENERATOR} from ${modelFile(pkg)} (${MODEL_SOURCE}). DO NOT EDIT.`,
    `// ${REGENERATE}`,
    '',
    'syntax = "proto3";',
    '',
    `// ${serviceFullName} (API version ${apiVersion}) over gRPC.`,
    `// The ${methods.length} operations the gateway routes, one rpc each, named as the AWS operation.`,
    "// Messages mirror the AWS input and output shapes; each field's json_name is the AWS member name.",
    `// API reference: ${pkg.spec.apiReference}`,
    `package ${grpc.package};`,
    '',
    ...(timestamp ? ['import "google/protobuf/timestamp.proto";', ''] : []),
    `service ${grpc.service} {`,
    ...methods.map((method) => [...comments(method.comments, '  '), `  rpc ${method.rpc}(${method.request}) returns (${method.response});`].join('\n')),
    '}',
    '',
    blocks.join('\n\n'),
    '',
  ].join('\n');
};

// ---- grpc-model.ts ----

const quote = (value: string): string => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

const wireTypeLiteral = (pkg: ProtoPackage, type: WireType): string => {
  switch (type.kind) {
    case 'enum':
    case 'structure':
      return `{ kind: '${type.kind}', name: ${quote(`${pkg.grpc.package}.${type.name}`)} }`;
    case 'list':
      return `{ kind: 'list', member: ${wireTypeLiteral(pkg, type.member)} }`;
    case 'map':
      return `{ kind: 'map', value: ${wireTypeLiteral(pkg, type.value)} }`;
    default:
      return `{ kind: '${type.kind}' }`;
  }
};

const WIRE_TYPES = `/**
 * A field's type on the wire. Structures and enums name their entry in GRPC_MESSAGES / GRPC_ENUMS
 * (full proto names). \`wrapper\` is for a list or map nested in a list or map (proto3 needs a
 * wrapper message, whose field it names); no routed operation has one, so none is set today.
 */
export type GrpcWireType =
  | { readonly kind: 'string' | 'boolean' | 'integer' | 'long' | 'float' | 'double' | 'blob' | 'timestamp' }
  | { readonly kind: 'enum'; readonly name: string } // key in GRPC_ENUMS
  | { readonly kind: 'structure'; readonly name: string } // key in GRPC_MESSAGES
  | { readonly kind: 'list'; readonly member: GrpcWireType; readonly wrapper?: string } // wrapper: proto field name inside the wrapper message, when wrapped
  | { readonly kind: 'map'; readonly value: GrpcWireType; readonly wrapper?: string };
/** One field: its proto name (as @grpc/proto-loader decodes it with keepCase), the AWS member name, its type. Model member order. */
export interface GrpcField {
  readonly proto: string;
  readonly aws: string;
  readonly type: GrpcWireType;
}`;

const renderGrpcModel = (packages: readonly ProtoPackage[]): string => {
  const messageRows = packages.flatMap((pkg) => [
    `  // ---- ${pkg.grpc.package} ----`,
    ...pkg.messages.map((message) =>
      message.fields.length === 0
        ? `  ${quote(`${pkg.grpc.package}.${message.name}`)}: [],`
        : [
            `  ${quote(`${pkg.grpc.package}.${message.name}`)}: [`,
            ...message.fields.map((field) => `    { proto: ${quote(field.proto)}, aws: ${quote(field.aws)}, type: ${wireTypeLiteral(pkg, field.type)} },`),
            '  ],',
          ].join('\n'),
    ),
  ]);
  const enumRows = packages.flatMap((pkg) =>
    pkg.enums.map((e) =>
      [`  ${quote(`${pkg.grpc.package}.${e.name}`)}: {`, ...e.values.map((value) => `    ${value.proto}: ${quote(value.aws)},`), '  },'].join('\n'),
    ),
  );
  const serviceRows = packages.map((pkg) =>
    [
      `  ${quote(`${pkg.grpc.package}.${pkg.grpc.service}`)}: {`,
      `    api: ${quote(pkg.grpc.api)},`,
      `    file: ${quote(pkg.grpc.file)},`,
      '    methods: [',
      ...pkg.methods.map(
        (method) =>
          `      { rpc: ${quote(method.rpc)}, operation: ${quote(method.operation)}, request: ${quote(`${pkg.grpc.package}.${method.request}`)}, response: ${quote(`${pkg.grpc.package}.${method.response}`)} },`,
      ),
      '    ],',
      '  },',
    ].join('\n'),
  );
  return [
    `// Code generated by ${GENERATOR} from ${packages.map(modelFile).join(', ')} (${MODEL_SOURCE}). DO NOT EDIT.`,
    `// ${REGENERATE}`,
    '',
    '/**',
    ' * The gRPC contract generated from the AWS models, as data:',
    ...packages.map((pkg) => ` *   ${PROTO_ROOT}/${pkg.grpc.file} (${pkg.grpc.package}.${pkg.grpc.service})`),
    ' * It translates between proto messages (as @grpc/proto-loader decodes them: keepCase, enums as',
    ' * String, longs as Number, bytes as Buffer, no defaults, oneofs) and AWS JSON: each field with the',
    ' * AWS member it carries, each enum value with the AWS value it stands for.',
    ' */',
    '',
    WIRE_TYPES,
    '',
    "/** Keyed by the message's full proto name, e.g. 'pki.acmpca.v1.CreateCertificateAuthorityRequest'. */",
    'export const GRPC_MESSAGES: Readonly<Record<string, readonly GrpcField[]>> = {',
    ...messageRows,
    '};',
    '',
    '/** Keyed by full proto enum name; proto value name -> AWS value (UNSPECIFIED not listed). */',
    'export const GRPC_ENUMS: Readonly<Record<string, Readonly<Record<string, string>>>> = {',
    ...enumRows,
    '};',
    '',
    "export type GrpcApi = 'acm-pca' | 'iot' | 'directory';",
    '/** One rpc: the AWS operation it runs and its request and response messages (full proto names). */',
    'export interface GrpcMethod {',
    '  readonly rpc: string;',
    '  readonly operation: string;',
    '  readonly request: string;',
    '  readonly response: string;',
    '}',
    '',
    '/** Full service name -> its API and methods. */',
    "export const GRPC_SERVICES: Readonly<Record<string, { readonly api: GrpcApi; readonly file: string /* path under proto/, e.g. 'pki/acmpca/v1/acmpca.proto' */; readonly methods: readonly GrpcMethod[] }>> = {",
    ...serviceRows,
    '};',
    '',
  ].join('\n');
};

// ---- all files ----

/** Every generated file: repository-relative path -> content. Pure apart from reading the vendored models. */
export const generateProtos = (): Record<string, string> => {
  const packages = SERVICES.map(protoPackage);
  return {
    ...Object.fromEntries(packages.map((pkg) => [`${PROTO_ROOT}/${pkg.grpc.file}`, renderProto(pkg)])),
    [GRPC_MODEL_OUT]: renderGrpcModel(packages),
  };
};

if (require.main === module) runGenerator(generateProtos);
