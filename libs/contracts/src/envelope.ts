/**
 * The event envelope: the wire contract every stored and published event shares.
 * `type` + `schemaVersion` name the payload schema; a breaking change is a new version,
 * upcast when read (STYLE.md "Events are contracts"). Events never carry private keys or
 * secrets.
 */
export interface EventEnvelope<TData = unknown, TType extends string = string> {
  /** Globally unique event id (UUID); used as the JetStream `Nats-Msg-Id` and for projection dedupe. */
  readonly id: string;
  /** The aggregate stream, e.g. `ca-<uuid>`. */
  readonly stream: string;
  /** 1-based position of this event within its stream. */
  readonly version: number;
  readonly type: TType;
  readonly schemaVersion: number;
  /** ISO-8601 UTC timestamp. */
  readonly occurredAt: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  /** The AWS account the event belongs to. */
  readonly accountId: string;
  /**
   * W3C `traceparent` of the span the event was appended in, when tracing was on (absent
   * otherwise, and in events stored before it existed): links the event to its request's trace.
   */
  readonly traceParent?: string;
  readonly data: TData;
}

/** An event as a decider produces it, before the store gives it an id, stream position and metadata. */
export interface NewEvent<TData = unknown, TType extends string = string> {
  readonly type: TType;
  readonly schemaVersion: number;
  readonly data: TData;
}

/** Who asked for a change: carried into every event appended on its behalf. */
export interface EventMetadata {
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly accountId: string;
  /** The request's trace context; when absent the store takes the active span's (if tracing is on). */
  readonly traceParent?: string | null;
}
