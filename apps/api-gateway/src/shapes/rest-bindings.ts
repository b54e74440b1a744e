import type { StructureShape } from '@pki/aws-protocol';

/**
 * Where one member of a restJson1 input travels on the wire (Smithy HTTP binding traits, botocore
 * `location` / `locationName`). The generated IoT specs (generated/iot.ts) are written in these terms.
 */
export type MemberBinding =
  /** `@httpLabel`: the `{name}` segment of the URI pattern. */
  | { readonly in: 'label'; readonly name: string }
  /** `@httpQuery("name")`; query values arrive as text and are converted to the member's type. */
  | { readonly in: 'query'; readonly name: string; readonly type: 'string' | 'integer' | 'boolean' }
  /** `@httpHeader("name")`, lowercased as Node delivers header names. */
  | { readonly in: 'header'; readonly name: string }
  | { readonly in: 'body' };

export interface RestOperationSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Smithy `@http(uri:)`: `{name}` binds one segment, `{name+}` the rest of the path. */
  readonly pattern: string;
  readonly shape: StructureShape;
  /** Members not listed here travel in the JSON body. */
  readonly bindings: Readonly<Record<string, MemberBinding>>;
}
