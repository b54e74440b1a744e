interface SigV4RequestCommon {
  readonly method: string;
  /** Header names in lower case (Node's `IncomingMessage.headers`). */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
}

/**
 * An HTTP request as the gateway received it, before any parsing or decoding. The raw
 * path (still percent-encoded, without the query) and raw query string (without `?`) may
 * be named `path`/`query` or `rawPath`/`rawQuery`.
 */
export type SigV4Request = SigV4RequestCommon &
  ({ readonly path: string; readonly query: string } | { readonly rawPath: string; readonly rawQuery: string });

/** The raw path and query of a {@link SigV4Request}, whichever names it uses. */
export const requestTarget = (req: SigV4Request): { path: string; query: string } =>
  'rawPath' in req ? { path: req.rawPath, query: req.rawQuery } : { path: req.path, query: req.query };

/** What the gateway knows about an access key. */
export interface SigV4Credentials {
  readonly secretAccessKey: string;
  readonly accountId: string;
  /** Set for temporary credentials: the request must carry this exact `X-Amz-Security-Token`. */
  readonly sessionToken?: string;
}

export interface SigV4Options {
  /** The default region this deployment answers for; the credential scope must name it or one of `regions`. */
  readonly region: string;
  /** Every region the credential scope may name (PKI_REGIONS); absent: `region` only. */
  readonly regions?: readonly string[];
  readonly credentials: (accessKeyId: string) => SigV4Credentials | undefined;
  readonly now: () => Date;
  /** Signing names accepted in the credential scope, e.g. `['acm-pca', 'iot', 'ds']`. */
  readonly allowedServices: readonly string[];
  /** Allowed clock skew; AWS's JSON services allow 5 minutes. */
  readonly maxSkewMs?: number;
  /** Accept `x-amz-content-sha256: UNSIGNED-PAYLOAD` (body then not covered by the signature). Default true. */
  readonly allowUnsignedPayload?: boolean;
}

export type SigV4ErrorCode =
  | 'MissingAuthenticationTokenException'
  | 'UnrecognizedClientException'
  | 'InvalidSignatureException'
  | 'IncompleteSignatureException'
  | 'AccessDeniedException';

export interface SigV4Success {
  readonly ok: true;
  readonly accessKeyId: string;
  readonly accountId: string;
  /** The signing name from the credential scope (one of `allowedServices`). */
  readonly service: string;
  /** The region from the credential scope (`region` or one of `regions`). */
  readonly region: string;
}

export interface SigV4Failure {
  readonly ok: false;
  readonly status: 403;
  readonly code: SigV4ErrorCode;
  readonly message: string;
}

export type SigV4Result = SigV4Success | SigV4Failure;
