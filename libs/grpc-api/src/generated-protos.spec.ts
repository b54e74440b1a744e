import { createRegistry, ScalarType, type DescField, type DescMessage } from '@bufbuild/protobuf';
import { ACM_PCA_OPERATIONS, DIRECTORY_OPERATIONS, IOT_OPERATIONS, IOT_THING_AND_POLICY_OPERATIONS } from '@pki/contracts';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { acmpca, directory, DirectoryService, events, iot, IotService, PrivateCaService } from './index';

/**
 * The gRPC contract is AWS's models, mechanically: the committed .proto files under proto/ and
 * the gateway's translation table (apps/api-gateway/src/grpc/generated/grpc-model.ts) are exactly
 * what tools/proto/generate-protos.ts writes from the vendored models, and what they describe
 * (read back through the descriptors protoc-gen-es compiled into gen/) mirrors those models.
 * When this fails, run `npm run generate:grpc` and review the diff.
 */
const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');

/** Runs a TypeScript file of the repository the way the npm scripts do, returning its stdout as JSON. */
const runJson = <T>(args: readonly string[]): T =>
  JSON.parse(execFileSync(process.execPath, ['-r', './bench/ts-hook.js', ...args], { cwd: REPOSITORY_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as T;

type WireType =
  | { kind: 'string' | 'boolean' | 'integer' | 'long' | 'float' | 'double' | 'blob' | 'timestamp' }
  | { kind: 'enum' | 'structure'; name: string }
  | { kind: 'list'; member: WireType; wrapper?: string }
  | { kind: 'map'; value: WireType; wrapper?: string };
interface GrpcModel {
  GRPC_MESSAGES: Record<string, Array<{ proto: string; aws: string; type: WireType }>>;
  GRPC_ENUMS: Record<string, Record<string, string>>;
  GRPC_SERVICES: Record<string, { api: string; file: string; methods: Array<{ rpc: string; operation: string; request: string; response: string }> }>;
}

interface ModelShape {
  type: string;
  members?: Record<string, { shape: string }>;
  member?: { shape: string };
  value?: { shape: string };
  enum?: string[];
}
interface Model {
  operations: Record<string, { input?: { shape: string }; output?: { shape: string } }>;
  shapes: Record<string, ModelShape>;
}
const loadModel = (modelId: string): Model => JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'tools', 'aws-models', `${modelId}.service-2.json`), 'utf8')) as Model;

const registry = createRegistry(acmpca.file_pki_acmpca_v1_acmpca, iot.file_pki_iot_v1_iot, directory.file_pki_directory_v1_directory, events.file_pki_events_v1_events);

const APIS = [
  { modelId: 'acm-pca-2017-08-22', service: PrivateCaService, operations: Object.keys(ACM_PCA_OPERATIONS) },
  { modelId: 'iot-2015-05-28', service: IotService, operations: [...IOT_OPERATIONS, ...IOT_THING_AND_POLICY_OPERATIONS] },
  { modelId: 'ds-2015-04-16', service: DirectoryService, operations: [...DIRECTORY_OPERATIONS] },
];

const SCALARS: Record<string, ScalarType> = {
  string: ScalarType.STRING,
  boolean: ScalarType.BOOL,
  integer: ScalarType.INT32,
  long: ScalarType.INT64,
  float: ScalarType.FLOAT,
  double: ScalarType.DOUBLE,
  blob: ScalarType.BYTES,
};

/** The AWS shape a proto element stands for, as `kind:name` (the form both sides can be compared in). */
const elementOfShape = (model: Model, shapeName: string): string => {
  const shape = model.shapes[shapeName];
  if (shape.type === 'structure') return `message:${shapeName}`;
  if (shape.type === 'timestamp') return 'message:Timestamp';
  if (shape.type === 'string' && shape.enum) return `enum:${shapeName}`;
  return `scalar:${SCALARS[shape.type]}`;
};
const elementOfField = (field: DescField): string => {
  const kind = field.fieldKind === 'list' ? field.listKind : field.fieldKind === 'map' ? field.mapKind : field.fieldKind;
  if (kind === 'message') return `message:${field.message!.name}`;
  if (kind === 'enum') return `enum:${field.enum!.name}`;
  return `scalar:${field.scalar}`;
};
/** The shape of a list's members or a map's values; the shape itself otherwise. */
const elementShape = (model: Model, shapeName: string): string => {
  const shape = model.shapes[shapeName];
  return (shape.type === 'list' ? shape.member : shape.type === 'map' ? shape.value : undefined)?.shape ?? shapeName;
};
/** What a member of the model becomes: label, element, and whether it has explicit presence. */
const expectedField = (model: Model, shapeName: string): string => {
  const element = elementOfShape(model, elementShape(model, shapeName));
  const { type } = model.shapes[shapeName];
  if (type === 'list') return `repeated ${element}`;
  if (type === 'map') return `map ${element}`;
  return `${element.startsWith('message:') ? '' : 'optional '}${element}`;
};
const actualField = (field: DescField): string => {
  if (field.fieldKind === 'list') return `repeated ${elementOfField(field)}`;
  if (field.fieldKind === 'map') return `map ${elementOfField(field)}`;
  return `${field.proto.proto3Optional ? 'optional ' : ''}${elementOfField(field)}`;
};

describe('generated gRPC contract', () => {
  const generated = runJson<Record<string, string>>(['tools/proto/generate-protos.ts', '--json']);

  it('writes the three AWS APIs and the translation table', () => {
    expect(Object.keys(generated).sort()).toEqual(
      ['apps/api-gateway/src/grpc/generated/grpc-model.ts', 'proto/pki/acmpca/v1/acmpca.proto', 'proto/pki/directory/v1/directory.proto', 'proto/pki/iot/v1/iot.proto'].sort(),
    );
  });

  it.each(Object.keys(generated))('%s is up to date with the vendored models and the generator', (path) => {
    expect(readFileSync(join(REPOSITORY_ROOT, path), 'utf8')).toBe(generated[path]);
  });

  describe.each(APIS.map((api) => [api.service.typeName, api] as const))('%s', (_name, { modelId, service, operations }) => {
    const model = loadModel(modelId);

    it('has one rpc per routed operation, named as the operation, with <Operation>Request and <Operation>Response', () => {
      expect(service.methods.map((method) => method.name).sort()).toEqual([...operations].sort());
      for (const method of service.methods) {
        expect([method.methodKind, method.input.name, method.output.name]).toEqual(['unary', `${method.name}Request`, `${method.name}Response`]);
      }
    });

    it('mirrors every member of the AWS shapes it reaches: snake_case name, json_name = member, numbered in model order, typed as the model says', () => {
      const seen = new Set<string>();
      const check = (message: DescMessage, shapeName: string | undefined): void => {
        if (seen.has(message.typeName)) return;
        seen.add(message.typeName);
        const members = Object.entries((shapeName && model.shapes[shapeName].members) ?? {});
        expect(message.fields.map((field) => [field.jsonName, field.number, actualField(field)])).toEqual(
          members.map(([member, ref], index) => [member, index + 1, expectedField(model, ref.shape)]),
        );
        for (const field of message.fields) expect(field.name).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
        message.fields.forEach((field, index) => {
          const element = elementShape(model, members[index][1].shape);
          if (field.message && field.message.typeName !== 'google.protobuf.Timestamp') check(field.message, element);
          // Enum values numbered 1.. in model order, after the zero value.
          if (field.enum) expect(field.enum.values.map((value) => value.number)).toEqual([0, ...model.shapes[element].enum!.map((_value, i) => i + 1)]);
        });
      };
      for (const method of service.methods) {
        const operation = model.operations[method.name];
        check(method.input, operation.input?.shape);
        check(method.output, operation.output?.shape);
      }
    });
  });

  it('names fields and enum values after AWS, in lower_snake_case and <ENUM>_<VALUE>', () => {
    const field = (message: DescMessage, member: string) => message.fields.find((f) => f.jsonName === member)?.name;
    expect(field(acmpca.CreateCertificateAuthorityAuditReportRequestSchema, 'S3BucketName')).toBe('s3_bucket_name');
    expect(field(acmpca.CreateCertificateAuthorityRequestSchema, 'CertificateAuthorityConfiguration')).toBe('certificate_authority_configuration');
    expect(field(iot.ListCertificatesByCARequestSchema, 'caCertificateId')).toBe('ca_certificate_id');
    expect(field(directory.DirectoryDescriptionSchema, 'DnsIpAddrs')).toBe('dns_ip_addrs');
    const values = (name: string) => registry.getEnum(name)!.values.map((value) => value.name);
    expect(values('pki.acmpca.v1.KeyAlgorithm')).toEqual(expect.arrayContaining(['KEY_ALGORITHM_UNSPECIFIED', 'KEY_ALGORITHM_EC_PRIME256V1', 'KEY_ALGORITHM_RSA_2048', 'KEY_ALGORITHM_ML_DSA_65']));
    expect(values('pki.acmpca.v1.ActionType')).toEqual(['ACTION_TYPE_UNSPECIFIED', 'ACTION_TYPE_ISSUE_CERTIFICATE', 'ACTION_TYPE_GET_CERTIFICATE', 'ACTION_TYPE_LIST_PERMISSIONS']);
    expect(values('pki.acmpca.v1.SigningAlgorithm')).toContain('SIGNING_ALGORITHM_SHA256WITHRSA');
    // X.509's reason code 0 (AWS value UNSPECIFIED) must not take the name of proto3's "not set" zero value.
    expect(values('pki.acmpca.v1.RevocationReason').slice(0, 2)).toEqual(['REVOCATION_REASON_UNSPECIFIED', 'REVOCATION_REASON_AWS_UNSPECIFIED']);
    expect(values('pki.directory.v1.NetworkType')).toEqual(['NETWORK_TYPE_UNSPECIFIED', 'NETWORK_TYPE_DUAL_STACK', 'NETWORK_TYPE_IPV4', 'NETWORK_TYPE_IPV6']);
    expect(values('pki.directory.v1.RadiusAuthenticationProtocol')).toContain('RADIUS_AUTHENTICATION_PROTOCOL_MS_CHAPV2');
  });

  describe('the translation table (grpc-model.ts)', () => {
    const table = runJson<GrpcModel>(['-e', "process.stdout.write(JSON.stringify(require('./apps/api-gateway/src/grpc/generated/grpc-model.ts')))"]);

    it('lists every service and method of the protos, with the AWS operation each runs', () => {
      expect(Object.keys(table.GRPC_SERVICES).sort()).toEqual(APIS.map((api) => api.service.typeName).sort());
      for (const [name, { file, methods }] of Object.entries(table.GRPC_SERVICES)) {
        const service = registry.getService(name)!;
        expect(service.file.proto.name).toBe(file);
        expect(methods).toEqual(service.methods.map((m) => ({ rpc: m.name, operation: m.name, request: m.input.typeName, response: m.output.typeName })));
      }
    });

    it('gives every message field its proto name, AWS member and type as the descriptors have them', () => {
      const typeOf = (field: DescField): WireType => {
        const element = (kind: string): WireType => {
          if (kind === 'message') return field.message!.typeName === 'google.protobuf.Timestamp' ? { kind: 'timestamp' } : { kind: 'structure', name: field.message!.typeName };
          if (kind === 'enum') return { kind: 'enum', name: field.enum!.typeName };
          return { kind: Object.keys(SCALARS).find((k) => SCALARS[k] === field.scalar) as 'string' };
        };
        if (field.fieldKind === 'list') return { kind: 'list', member: element(field.listKind) };
        if (field.fieldKind === 'map') return { kind: 'map', value: element(field.mapKind) };
        return element(field.fieldKind);
      };
      for (const [name, fields] of Object.entries(table.GRPC_MESSAGES)) {
        const message = registry.getMessage(name)!;
        expect([name, fields]).toEqual([name, message.fields.map((field) => ({ proto: field.name, aws: field.jsonName, type: typeOf(field) }))]);
      }
      const reachable = Object.values(table.GRPC_SERVICES).flatMap((service) => service.methods.flatMap((m) => [m.request, m.response]));
      for (const name of reachable) expect(table.GRPC_MESSAGES).toHaveProperty([name]);
    });

    it('maps every enum value but the zero value to its AWS value', () => {
      for (const [name, values] of Object.entries(table.GRPC_ENUMS)) {
        expect(Object.keys(values)).toEqual(registry.getEnum(name)!.values.slice(1).map((value) => value.name));
      }
      expect(table.GRPC_ENUMS['pki.acmpca.v1.KeyAlgorithm'].KEY_ALGORITHM_EC_PRIME256V1).toBe('EC_prime256v1');
      expect(table.GRPC_ENUMS['pki.acmpca.v1.RevocationReason'].REVOCATION_REASON_AWS_UNSPECIFIED).toBe('UNSPECIFIED');
    });
  });
});
