import { context, isSpanContextValid, propagation, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TextMapGetter } from '@opentelemetry/api';

/**
 * OpenTelemetry tracing, off unless OTEL_EXPORTER_OTLP_ENDPOINT (or ..._TRACES_ENDPOINT) is set:
 * then the SDK (`@opentelemetry/sdk-node`, loaded only then) exports spans over OTLP as the
 * standard OTEL_* variables say, and W3C trace context (`traceparent`) is propagated. Off, every
 * helper here runs its work directly: no SDK is loaded, no span is made.
 */

/** What a NodeSDK accepts as span processors (the in-memory exporter's, in tests). */
export type SpanProcessors = NonNullable<ConstructorParameters<typeof import('@opentelemetry/sdk-node').NodeSDK>[0]>['spanProcessors'];

export interface StartTracingOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** Span processors instead of the OTLP exporter (tests); tracing starts without an endpoint then. */
  readonly spanProcessors?: SpanProcessors;
}

export interface Tracing {
  /** Exports the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

let started: Tracing | undefined;

/** Whether this process traces (startTracing ran). */
export function tracingStarted(): boolean {
  return started !== undefined;
}

export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Starts the SDK once per process when tracing is configured; undefined when it is off. */
export async function startTracing(service: string, options: StartTracingOptions = {}): Promise<Tracing | undefined> {
  const env = options.env ?? process.env;
  if (started) return started;
  if (!options.spanProcessors && !tracingEnabled(env)) return undefined;
  const { NodeSDK } = await import('@opentelemetry/sdk-node');
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || `pki-${service}`,
    // Traces only: metrics are Prometheus's (GET /metrics), logs are JSON on stdout.
    metricReaders: [],
    logRecordProcessors: [],
    ...(options.spanProcessors ? { spanProcessors: options.spanProcessors } : {}),
  });
  sdk.start();
  const tracing: Tracing = {
    async shutdown() {
      if (started === tracing) started = undefined;
      await sdk.shutdown();
    },
  };
  started = tracing;
  return tracing;
}

const tracer = () => trace.getTracer('pki-platform');

/** trace_id / span_id of the active span, for log lines; undefined without one. */
export function activeTraceIds(): { trace_id: string; span_id: string } | undefined {
  if (!started) return undefined;
  const span = trace.getActiveSpan()?.spanContext();
  return span && isSpanContextValid(span) ? { trace_id: span.traceId, span_id: span.spanId } : undefined;
}

/** The W3C `traceparent` of the active span (stored with the events it causes); undefined without one. */
export function currentTraceParent(): string | undefined {
  if (!started) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** Adds the active trace context to `set` (e.g. NATS message headers). */
export function injectTraceContext(set: (name: string, value: string) => void): void {
  if (!started) return;
  propagation.inject(context.active(), undefined, { set: (_carrier, name, value) => set(name, value) });
}

/** A getter over any header bag: `get(name)` gives a value or nothing. */
export function traceContextFrom(get: (name: string) => string | undefined, keys: () => string[] = () => []): Context {
  if (!started) return context.active();
  const getter: TextMapGetter<undefined> = { get: (_carrier, name) => get(name), keys: () => keys() };
  return propagation.extract(context.active(), undefined, getter);
}

/**
 * Runs `work` inside a new span (child of `parent`), recording a thrown error; `work` may set
 * attributes and the status on the span it gets (none when tracing is off).
 */
export async function inSpan<T>(name: string, kind: SpanKind, attributes: Attributes, work: (span: Span | undefined) => Promise<T>, parent?: Context): Promise<T> {
  if (!started) return work(undefined);
  const span = tracer().startSpan(name, { kind, attributes }, parent ?? context.active());
  try {
    return await context.with(trace.setSpan(parent ?? context.active(), span), () => work(span));
  } catch (error) {
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind, SpanStatusCode, type Span };
