/**
 * The parts of botocore's service model format (`service-2.json`, `paginators-1.json`) that the
 * shape generator reads. A shape's constraint traits sit on the shape (`min`, `max`, `pattern`,
 * `enum`, `sensitive`); `required` and the HTTP bindings (`location`, `locationName`) sit on the
 * structure that uses it, as in Smithy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BotocoreMemberRef {
  readonly shape: string;
  /** restJson1 bindings: `uri` (@httpLabel), `querystring` (@httpQuery), `header` (@httpHeader). */
  readonly location?: 'uri' | 'querystring' | 'header' | 'headers' | 'statusCode';
  readonly locationName?: string;
}

export interface BotocoreShape {
  readonly type: 'string' | 'integer' | 'long' | 'float' | 'double' | 'boolean' | 'blob' | 'timestamp' | 'list' | 'map' | 'structure';
  readonly members?: Readonly<Record<string, BotocoreMemberRef>>;
  readonly required?: readonly string[];
  readonly payload?: string;
  readonly member?: BotocoreMemberRef;
  readonly key?: BotocoreMemberRef;
  readonly value?: BotocoreMemberRef;
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly sensitive?: boolean;
  readonly exception?: boolean;
  readonly fault?: boolean;
  readonly error?: { readonly httpStatusCode?: number; readonly senderFault?: boolean };
  /** HTML, as rendered into the AWS API Reference. */
  readonly documentation?: string;
}

export interface BotocoreOperation {
  readonly name: string;
  readonly http: { readonly method: string; readonly requestUri: string };
  readonly input?: { readonly shape: string };
  readonly output?: { readonly shape: string };
  readonly errors?: readonly { readonly shape: string }[];
  /** HTML, as rendered into the AWS API Reference. */
  readonly documentation?: string;
}

export interface BotocoreModel {
  readonly metadata: {
    readonly apiVersion: string;
    readonly protocol: string;
    readonly serviceFullName: string;
    readonly targetPrefix?: string;
  };
  readonly operations: Readonly<Record<string, BotocoreOperation>>;
  readonly shapes: Readonly<Record<string, BotocoreShape>>;
}

export interface BotocorePaginator {
  readonly input_token: string | readonly string[];
  readonly output_token: string | readonly string[];
  readonly limit_key?: string;
  readonly result_key?: string | readonly string[];
}

export interface BotocorePaginators {
  readonly pagination: Readonly<Record<string, BotocorePaginator>>;
}

/** The vendored models (see tools/aws-models/README.md). */
export const MODELS_DIR = join(__dirname, '..', 'aws-models');

const readJson = <T>(file: string): T => JSON.parse(readFileSync(join(MODELS_DIR, file), 'utf8')) as T;

/** `<service>-<apiVersion>.service-2.json` and its paginators, as vendored. */
export const loadModel = (modelId: string): { model: BotocoreModel; paginators: BotocorePaginators } => ({
  model: readJson<BotocoreModel>(`${modelId}.service-2.json`),
  paginators: readJson<BotocorePaginators>(`${modelId}.paginators-1.json`),
});

export const shapeOf = (model: BotocoreModel, name: string): BotocoreShape => {
  const shape = Object.hasOwn(model.shapes, name) ? model.shapes[name] : undefined;
  if (!shape) throw new Error(`model has no shape ${name}`);
  return shape;
};

export const operationOf = (model: BotocoreModel, name: string): BotocoreOperation => {
  const operation = Object.hasOwn(model.operations, name) ? model.operations[name] : undefined;
  if (!operation) throw new Error(`model has no operation ${name}`);
  return operation;
};
