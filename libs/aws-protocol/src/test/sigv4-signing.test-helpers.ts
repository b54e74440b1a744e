// Test-only helpers: excluded from the build (tsconfig.build.json ignores **/test/**), never exported.
import { Sha256 } from '@aws-crypto/sha256-js';
import { buildQueryString } from '@smithy/querystring-builder';
import { SignatureV4 } from '@smithy/signature-v4';
import type { SigV4Request } from '../sigv4/sigv4.types';

/** Test-only: the request shape `@smithy/signature-v4` signs (what the SDK hands its HTTP handler). */
export interface SdkRequest {
  method: string;
  protocol: string;
  hostname: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

export const ACCESS_KEY_ID = 'AKIDEXAMPLE';
export const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
export const ACCOUNT_ID = '111122223333';

export const signer = (opts: { service: string; region?: string; secret?: string; accessKeyId?: string; sessionToken?: string; applyChecksum?: boolean }) =>
  new SignatureV4({
    service: opts.service,
    region: opts.region ?? 'us-east-1',
    credentials: {
      accessKeyId: opts.accessKeyId ?? ACCESS_KEY_ID,
      secretAccessKey: opts.secret ?? SECRET,
      ...(opts.sessionToken ? { sessionToken: opts.sessionToken } : {}),
    },
    sha256: Sha256,
    uriEscapePath: opts.service !== 's3',
    applyChecksum: opts.applyChecksum,
  });

/** Puts a signed SDK request on the "wire" the way `@smithy/node-http-handler` does. */
/** A wire request with `path`/`query` names (the form the specs build). */
export type WireRequest = SigV4Request & { readonly path: string; readonly query: string };

export const toWire = (signed: SdkRequest): WireRequest => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) headers[name.toLowerCase()] = value;
  return {
    method: signed.method,
    path: signed.path,
    query: signed.query ? buildQueryString(signed.query as Record<string, string | string[]>) : '',
    headers,
    body:
      signed.body === undefined
        ? Buffer.alloc(0)
        : typeof signed.body === 'string'
          ? Buffer.from(signed.body, 'utf8')
          : Buffer.from(signed.body.buffer, signed.body.byteOffset, signed.body.byteLength),
  };
};
