import { performance } from 'node:perf_hooks';
import { headers as natsHeaders, type Msg, type MsgHdrs } from 'nats';
import type { Reply, ServiceName } from '@pki/contracts';
import { structuredLogger, type PinoLogger } from './logger';
import { withRequestContext } from './request-context';
import { injectTraceContext, inSpan, SpanKind, SpanStatusCode, traceContextFrom, tracingStarted, type Span } from './tracing';

/** NATS header carrying a command's request id (also in the body's `requestId`), for tools that read headers only. */
export const REQUEST_ID_HEADER = 'Pki-Request-Id';

/** A command's headers: its request id, and the caller's trace context (`traceparent`) when tracing is on. */
export function commandHeaders(requestId: string): MsgHdrs {
  const headers = natsHeaders();
  headers.set(REQUEST_ID_HEADER, requestId);
  injectTraceContext((name, value) => headers.set(name, value));
  return headers;
}

const outcomeOf = (reply: Reply<unknown>): string => (reply.ok ? 'ok' : reply.error.kind);

function markFailure(span: Span | undefined, reply: Reply<unknown>): void {
  if (!span || reply.ok) return;
  span.setAttributes({ 'pki.error.kind': reply.error.kind, ...(reply.error.code ? { 'pki.error.code': reply.error.code } : {}) });
  span.setStatus({ code: SpanStatusCode.ERROR, message: reply.error.code ?? reply.error.kind });
}

/** The client side of a command (ServiceClient): one span around the request and its retry. */
export function traceCommandRequest<T>(service: ServiceName, operation: string, send: () => Promise<Reply<T>>): Promise<Reply<T>> {
  // Tracing off: no span to open or mark, so no wrapper either (this runs for every command sent).
  if (!tracingStarted()) return send();
  return inSpan(`${service}.${operation} request`, SpanKind.CLIENT, { 'messaging.system': 'nats', 'rpc.service': service, 'rpc.method': operation }, async (span) => {
    const reply = await send();
    markFailure(span, reply);
    return reply;
  });
}

let commandLog: PinoLogger | undefined;

/**
 * The server side of a command (CommandServer): runs it as the current request (its log lines
 * carry its id), in a span whose parent is the caller's (from the NATS headers), and writes its
 * one command line: service, operation, request id, outcome (`ok` or the error kind), the AWS
 * exception name of an error, latency.
 */
export function observeCommand(service: ServiceName, operation: string, msg: Msg, requestId: string | undefined, run: () => Promise<Reply<unknown>>): Promise<Reply<unknown>> {
  const id = requestId ?? msg.headers?.get(REQUEST_ID_HEADER) ?? '';
  const parent = msg.headers ? traceContextFrom((name) => msg.headers?.get(name) || undefined, () => msg.headers?.keys() ?? []) : undefined;
  const start = performance.now();
  return withRequestContext({ requestId: id }, () =>
    inSpan(`${service}.${operation}`, SpanKind.SERVER, { 'messaging.system': 'nats', 'rpc.service': service, 'rpc.method': operation, 'pki.request_id': id }, async (span) => {
      const reply = await run();
      markFailure(span, reply);
      const outcome = outcomeOf(reply);
      const line = { kind: 'command', service, operation, requestId: id, outcome, ...(reply.ok || !reply.error.code ? {} : { exception: reply.error.code }), latencyMs: Math.round((performance.now() - start) * 10) / 10 };
      commandLog ??= structuredLogger('CommandServer');
      if (outcome === 'Internal' || outcome === 'Unavailable') commandLog.warn(line, `${service}.${operation} ${outcome}`);
      else commandLog.info(line, `${service}.${operation} ${outcome}`);
      return reply;
    }, parent),
  );
}
