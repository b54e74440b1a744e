import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { apiOperationOf, type ApiOperation } from './api-metrics';
import { currentRequest, inSpan, SpanKind, SpanStatusCode, structuredLogger, traceContextFrom, withRequestContext, type PinoLogger, type RequestContext } from '@pki/service-kit';

/** Which API and operation a request is for, as its access line and span name it. */
export type ApiCall = ApiOperation;

/**
 * Read from the request line and headers only (the body is not read yet, and never logged); the
 * same names as the API metrics (api-metrics.ts), so a log line and a series match.
 */
export function describeRequest(req: IncomingMessage): ApiCall {
  return apiOperationOf(req.method ?? 'GET', req.url ?? '/', req.headers);
}

/** At the gateway, once SigV4 named the caller: its account goes on the access line. */
export function noteAccount(accountId: string): void {
  const request = currentRequest();
  if (request) request.account = accountId;
}

let accessLog: PinoLogger | undefined;

/** A request's one access line: request id, account, API, operation, `outcome` (status, exception), latency; a warning when the server failed. */
function writeAccessLine(context: RequestContext, start: number, api: string, operation: string, outcome: Record<string, unknown>, serverFault: boolean, statusText: string): void {
  const line = { kind: 'access', requestId: context.requestId, account: context.account ?? null, api, operation, ...outcome, latencyMs: Math.round((performance.now() - start) * 10) / 10 };
  accessLog ??= structuredLogger('access');
  if (serverFault) accessLog.warn(line, `${api} ${operation} ${statusText}`);
  else accessLog.info(line, `${api} ${operation} ${statusText}`);
}

/**
 * One API request at the gateway: it gets its request id here, runs as the current request (log
 * lines carry the id) inside a server span continuing the caller's W3C trace context
 * (`traceparent`), and ends with its one access line: request id, account, API, operation, HTTP
 * status, AWS exception name (x-amzn-ErrorType) when it failed, latency.
 */
export function observeHttpRequest(req: IncomingMessage, res: ServerResponse, call: ApiCall, work: (requestId: string) => Promise<void>): Promise<void> {
  const requestId = randomUUID();
  const start = performance.now();
  const header = (name: string) => {
    const value = req.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const context: RequestContext = { requestId };
  const attributes = { 'http.request.method': req.method ?? 'GET', 'rpc.system': 'aws-api', 'rpc.service': call.api, 'rpc.method': call.operation, 'aws.request_id': requestId };
  return withRequestContext(context, () =>
    inSpan(`${call.api} ${call.operation}`, SpanKind.SERVER, attributes, async (span) => {
      await work(requestId);
      const status = res.statusCode;
      const exception = res.getHeader('x-amzn-ErrorType');
      span?.setAttribute('http.response.status_code', status);
      if (status >= 500) span?.setStatus({ code: SpanStatusCode.ERROR, message: typeof exception === 'string' ? exception : String(status) });
      writeAccessLine(context, start, call.api, call.operation, { status, ...(typeof exception === 'string' ? { exception } : {}) }, status >= 500, String(status));
    }, traceContextFrom(header, () => Object.keys(req.headers))),
  );
}

/** How a gRPC call ended, for its access line and span. */
export interface GrpcOutcome {
  /** The gRPC status code's name (OK, NOT_FOUND, ...). */
  readonly status: string;
  /** The AWS exception name (ErrorInfo reason), when it failed. */
  readonly exception?: string;
}

/**
 * One gRPC call at the gateway, as {@link observeHttpRequest} for HTTP: its request id, the
 * current-request context (log lines and the commands it sends carry the id and the trace), a
 * server span continuing the caller's `traceparent` metadata, and one access line with the gRPC
 * status and the AWS exception.
 */
export function observeGrpcCall(service: string, method: string, metadata: (name: string) => string | undefined, work: (requestId: string, noteCaller: (accountId: string) => void) => Promise<GrpcOutcome>): Promise<void> {
  const requestId = randomUUID();
  const start = performance.now();
  const context: RequestContext = { requestId };
  const attributes = { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method, 'aws.request_id': requestId };
  return withRequestContext(context, () =>
    inSpan(`${service}/${method}`, SpanKind.SERVER, attributes, async (span) => {
      const outcome = await work(requestId, (accountId) => (context.account = accountId));
      span?.setAttribute('rpc.grpc.status_code', outcome.status);
      const serverFault = outcome.status === 'INTERNAL' || outcome.status === 'UNKNOWN';
      if (serverFault) span?.setStatus({ code: SpanStatusCode.ERROR, message: outcome.exception ?? outcome.status });
      writeAccessLine(context, start, service, method, { grpcStatus: outcome.status, ...(outcome.exception ? { exception: outcome.exception } : {}) }, serverFault, outcome.status);
    }, traceContextFrom(metadata, () => ['traceparent', 'tracestate'])),
  );
}
