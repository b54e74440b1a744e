/**
 * One AWS API as a proto3 package, before it is written out: the rpcs (one per routed
 * operation), the request and response messages (the operation's input and output shapes,
 * renamed `<Operation>Request` / `<Operation>Response`), the nested messages and enums (the
 * structures and enum strings those shapes reach, named as in the model) and, for every field,
 * the AWS member it carries and its wire type. Both the .proto file and the gateway's
 * translation table (grpc-model.ts) are rendered from this, so they cannot disagree.
 */
import { loadModel, operationOf, shapeOf, type BotocoreModel, type BotocoreShape } from '../shapes/botocore-model';
import type { ServiceSpec } from '../shapes/services';
import { enumValueName, lowerSnake, protoCamel, summary, unspecifiedValueName } from './naming';

export type GrpcApi = 'acm-pca' | 'iot' | 'directory';

/** How one AWS API is published over gRPC. */
export interface GrpcServiceSpec {
  readonly api: GrpcApi;
  /** proto package, e.g. `pki.acmpca.v1`. */
  readonly package: string;
  readonly service: string;
  /** Path under proto/ (buf's module root), matching the package (buf's PACKAGE_DIRECTORY_MATCH). */
  readonly file: string;
}

/** Keyed by ServiceSpec.modelId: every API in tools/shapes/services.ts needs an entry. */
export const GRPC_SERVICE_SPECS: Readonly<Record<string, GrpcServiceSpec>> = {
  'acm-pca-2017-08-22': { api: 'acm-pca', package: 'pki.acmpca.v1', service: 'PrivateCaService', file: 'pki/acmpca/v1/acmpca.proto' },
  'iot-2015-05-28': { api: 'iot', package: 'pki.iot.v1', service: 'IotService', file: 'pki/iot/v1/iot.proto' },
  'ds-2015-04-16': { api: 'directory', package: 'pki.directory.v1', service: 'DirectoryService', file: 'pki/directory/v1/directory.proto' },
};

export type ScalarKind = 'string' | 'boolean' | 'integer' | 'long' | 'float' | 'double' | 'blob' | 'timestamp';

/** The same union as GrpcWireType in the generated grpc-model.ts (names are local to the package here). */
export type WireType =
  | { readonly kind: ScalarKind }
  | { readonly kind: 'enum'; readonly name: string }
  | { readonly kind: 'structure'; readonly name: string }
  | { readonly kind: 'list'; readonly member: WireType }
  | { readonly kind: 'map'; readonly value: WireType };

export interface ProtoField {
  /** lower_snake_case field name. */
  readonly proto: string;
  /** The AWS member name (also the field's json_name). */
  readonly aws: string;
  /** 1.. in model member order. */
  readonly number: number;
  readonly type: WireType;
}

export interface ProtoMessage {
  readonly name: string;
  /** One-line leading comments. */
  readonly comments: readonly string[];
  readonly fields: readonly ProtoField[];
}

export interface ProtoEnum {
  readonly name: string;
  readonly comments: readonly string[];
  /** Model order; the UNSPECIFIED zero value is not listed. */
  readonly values: ReadonlyArray<{ readonly proto: string; readonly aws: string }>;
}

export interface ProtoMethod {
  readonly rpc: string;
  readonly operation: string;
  readonly request: string;
  readonly response: string;
  readonly comments: readonly string[];
}

export interface ProtoPackage {
  readonly spec: ServiceSpec;
  readonly grpc: GrpcServiceSpec;
  readonly model: BotocoreModel;
  readonly methods: readonly ProtoMethod[];
  /** Requests and responses in rpc order, then the nested messages by name. */
  readonly messages: readonly ProtoMessage[];
  /** By name. */
  readonly enums: readonly ProtoEnum[];
}

const SCALARS: Readonly<Record<string, ScalarKind>> = {
  string: 'string',
  boolean: 'boolean',
  integer: 'integer',
  long: 'long',
  float: 'float',
  double: 'double',
  blob: 'blob',
  timestamp: 'timestamp',
};

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Fails on the first name seen twice. */
const assertUnique = (names: readonly string[], where: string): void => {
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) throw new Error(`${where}: two declarations named ${name}`);
    seen.add(name);
  }
};

/** Walks the shapes reachable from the operations' inputs and outputs, collecting nested structures and enums. */
class PackageBuilder {
  private readonly structures = new Set<string>();
  private readonly enums = new Set<string>();

  constructor(private readonly model: BotocoreModel) {}

  /** The wire type of a member or element shape; registers the structures and enums it reaches. */
  wireType(name: string, where: string): WireType {
    const shape = shapeOf(this.model, name);
    switch (shape.type) {
      case 'string':
        if (!shape.enum) return { kind: 'string' };
        this.enums.add(name);
        return { kind: 'enum', name };
      case 'structure':
        if (!this.structures.has(name)) {
          this.structures.add(name);
          this.fields(name, shape); // registers what the structure reaches (recursion stops at the set)
        }
        return { kind: 'structure', name };
      case 'list': {
        const member = this.wireType(shape.member!.shape, `${where}[]`);
        this.assertElement(member, `${where} (list ${name})`);
        return { kind: 'list', member };
      }
      case 'map': {
        const key = shapeOf(this.model, shape.key!.shape);
        if (key.type !== 'string') throw new Error(`${where} (map ${name}): map keys of type ${key.type} are not supported`);
        const value = this.wireType(shape.value!.shape, `${where}{}`);
        this.assertElement(value, `${where} (map ${name})`);
        return { kind: 'map', value };
      }
      default: {
        const kind = SCALARS[shape.type];
        if (!kind) throw new Error(`${where}: shape ${name} of type ${shape.type} is not supported`);
        return { kind };
      }
    }
  }

  /**
   * proto3 has no list of lists, list of maps or map of lists/maps: those need a wrapper
   * message. The routed operations reach none, so none is generated; a model update that adds
   * one fails here (extend GrpcWireType's `wrapper` then, see grpc-model.ts).
   */
  private assertElement(type: WireType, where: string): void {
    if (type.kind === 'list' || type.kind === 'map') throw new Error(`${where}: a ${type.kind} inside a list or map needs a wrapper message, which the generator does not write yet`);
  }

  /** The fields of a structure, numbered 1.. in member order; names checked for collisions. */
  fields(name: string, shape: BotocoreShape): ProtoField[] {
    const fields = Object.entries(shape.members ?? {}).map(([member, ref], index) => ({
      proto: lowerSnake(member),
      aws: member,
      number: index + 1,
      type: this.wireType(ref.shape, `${name}.${member}`),
    }));
    assertUnique(
      fields.map((field) => field.proto),
      `${name} fields`,
    );
    assertUnique(
      fields.map((field) => protoCamel(field.proto)),
      `${name} fields (lowerCamelCase JSON names)`,
    );
    return fields;
  }

  nestedMessages(): ProtoMessage[] {
    return [...this.structures]
      .map((name) => {
        const shape = shapeOf(this.model, name);
        const doc = summary(shape.documentation);
        return { name, comments: doc ? [doc] : [], fields: this.fields(name, shape) };
      })
      .sort(byName);
  }

  protoEnums(): ProtoEnum[] {
    return [...this.enums]
      .map((name) => {
        const shape = shapeOf(this.model, name);
        const values = shape.enum!.map((aws) => ({ proto: enumValueName(name, aws), aws }));
        assertUnique([unspecifiedValueName(name), ...values.map((value) => value.proto)], `enum ${name} values`);
        const doc = summary(shape.documentation);
        return { name, comments: doc ? [doc] : [], values };
      })
      .sort(byName);
  }
}

const operationComments = (spec: ServiceSpec, model: BotocoreModel, operation: string): string[] => {
  const doc = summary(operationOf(model, operation).documentation);
  return [...(doc ? [doc] : []), `${spec.apiReference}API_${operation}.html`];
};

/** Builds the package of one API: every routed operation, sorted by name. */
export const protoPackage = (spec: ServiceSpec): ProtoPackage => {
  const grpc = Object.hasOwn(GRPC_SERVICE_SPECS, spec.modelId) ? GRPC_SERVICE_SPECS[spec.modelId] : undefined;
  if (!grpc) throw new Error(`${spec.modelId} has no entry in GRPC_SERVICE_SPECS`);
  const { model } = loadModel(spec.modelId);
  const builder = new PackageBuilder(model);
  const operations = [...new Set(spec.operations)].sort();
  if (operations.length !== spec.operations.length) throw new Error(`${spec.modelId}: an operation is routed twice`);
  const methods: ProtoMethod[] = [];
  const messages: ProtoMessage[] = [];
  for (const operation of operations) {
    const { input, output } = operationOf(model, operation);
    const message = (suffix: 'Request' | 'Response', shape: string | undefined, role: string): ProtoMessage => {
      const fields = shape ? builder.fields(shape, shapeOf(model, shape)) : [];
      const origin = shape ? `the AWS shape ${shape}` : `empty (AWS defines no ${role} shape)`;
      return { name: `${operation}${suffix}`, comments: [`${role === 'input' ? 'Input' : 'Output'} of ${operation}: ${origin}.`], fields };
    };
    messages.push(message('Request', input?.shape, 'input'), message('Response', output?.shape, 'output'));
    methods.push({ rpc: operation, operation, request: `${operation}Request`, response: `${operation}Response`, comments: operationComments(spec, model, operation) });
  }
  const nested = builder.nestedMessages();
  const enums = builder.protoEnums();
  messages.push(...nested);
  // One proto package scope: service, messages, enums and (C++ scoping) enum values share it.
  assertUnique(
    [grpc.service, ...messages.map((m) => m.name), ...enums.flatMap((e) => [e.name, unspecifiedValueName(e.name), ...e.values.map((v) => v.proto)])],
    `${grpc.package}`,
  );
  return { spec, grpc, model, methods, messages, enums };
};
