/**
 * The one error taxonomy services answer with. Only the gateway maps it to AWS error
 * shapes: a service says *what* went wrong (`kind`) and, where the AWS API models a
 * specific exception, *which* one (`code`, e.g. `InvalidArgsException`).
 */
export type ErrorKind =
  | 'NotFound'
  | 'Conflict'
  | 'Forbidden'
  | 'Malformed'
  | 'InvalidState'
  | 'LimitExceeded'
  | 'InProgress'
  | 'Unavailable'
  | 'NotImplemented'
  | 'Internal';

export interface ServiceError {
  readonly kind: ErrorKind;
  /** The AWS exception name the API models for this case; when absent the gateway picks by kind. */
  readonly code?: string;
  /** A message a person can act on. Never contains secrets. */
  readonly message: string;
  /**
   * Further members the AWS exception shape models, put into the error body next to `message`
   * (AWS IoT `ResourceAlreadyExistsException`: `resourceId`, `resourceArn`).
   */
  readonly fields?: Readonly<Record<string, string>>;
}

/** Reply envelope of every request/reply exchange between the gateway and a service. */
export type Reply<T> = { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: ServiceError };

/** Thrown inside a service to answer with a typed error; the RPC adapter turns it into a Reply. */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly code?: string,
    options?: { cause?: unknown; fields?: Readonly<Record<string, string>> },
  ) {
    super(message, options && 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'DomainError';
    this.fields = options?.fields;
  }

  /** Further members of the AWS exception shape ({@link ServiceError.fields}). */
  readonly fields?: Readonly<Record<string, string>>;

  toServiceError(): ServiceError {
    const error: ServiceError = this.code ? { kind: this.kind, code: this.code, message: this.message } : { kind: this.kind, message: this.message };
    return this.fields ? { ...error, fields: this.fields } : error;
  }
}

/** Identity the gateway attaches to every command: the authenticated caller. */
export interface Caller {
  readonly accountId: string;
  readonly accessKeyId: string;
  /**
   * The region the caller addressed: the verified SigV4 credential scope's (one of PKI_REGIONS).
   * Absent for callers that name none (gRPC, internal requests, messages of older gateways):
   * they are in the deployment's default region ({@link callerRegion}).
   */
  readonly region?: string;
}

/**
 * The region a command acts in: the caller's, else the deployment's default (PKI_REGION).
 * Services mint ARNs in it and find only resources whose ARN names it, as each AWS region
 * keeps its own resources.
 */
export const callerRegion = (caller: Caller, defaultRegion: string): string => caller.region ?? defaultRegion;

/**
 * Whether a resource of `resourceRegion` (its ARN's) is visible to the caller: one of another
 * region is answered as not found, exactly as an unknown ARN. Without a default region (test
 * contexts that configure none) a caller naming no region sees every region.
 */
export const inCallerRegion = (resourceRegion: string, caller: Caller, defaultRegion: string | undefined): boolean => {
  const region = caller.region ?? defaultRegion;
  return region === undefined || region === resourceRegion;
};

/** A command or query as it travels over NATS request/reply. */
export interface CommandMessage<T = unknown> {
  readonly caller: Caller;
  /** Correlates every event this request causes; the gateway's request id. */
  readonly requestId: string;
  readonly input: T;
  /**
   * The caller's deadline (epoch milliseconds), when it has one (a gRPC deadline). A service
   * does not start a command whose deadline has passed: the caller has stopped waiting, so the
   * work would be done for nobody. Work already started is finished (each command is atomic).
   */
  readonly deadline?: number;
}
