import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseAwsJsonTarget } from '@pki/aws-protocol';
import { currentRequest, inSpan, SpanKind, SpanStatusCode, structuredLogger, traceContextFrom, withRequestContext, type PinoLogger, type RequestContext } from '@pki/service-kit';
import { iotOperationOf } from '../routing/rest-json.router';
import { SIGNING_NAMES } from '../routing/operations';
import { CrlCnameRoute } from './crl-cname.route';
import { ObjectsRoute } from './objects.route';
import { OcspRoute } from './ocsp.route';

/** Which API and operation a request is for, as its access line and span name it. */
export interface ApiCall {
  /** `acm-pca`, `ds`, `iot`, or a public route: `ocsp`, `crl`, `s3` (object reads). */
  readonly api: string;
  readonly operation: string;
}

const pathOf = (url: string): string => url.split('?', 1)[0]!;

/** Read from the request line and headers only (the body is not read yet, and never logged). */
export function describeRequest(req: IncomingMessage): ApiCall {
  const method = req.method ?? 'GET';
  const rawPath = pathOf(req.url ?? '/');
  const target = method === 'POST' ? parseAwsJsonTarget(req.headers['x-amz-target']) : undefined;
  if (target) return { api: SIGNING_NAMES[target.prefix] ?? target.prefix, operation: target.operation };
  if (OcspRoute.matches(method, rawPath) || String(req.headers['content-type'] ?? '').startsWith('application/ocsp-request')) return { api: 'ocsp', operation: 'OCSP' };
  const iot = iotOperationOf(method, rawPath);
  if (iot) return { api: 'iot', operation: iot };
  if (CrlCnameRoute.caIdOf(method, rawPath)) return { api: 'crl', operation: method === 'HEAD' ? 'HeadCrl' : 'GetCrl' };
  if (ObjectsRoute.matches(method, rawPath)) return { api: 's3', operation: method === 'HEAD' ? 'HeadObject' : 'GetObject' };
  return { api: 'unknown', operation: method };
}

/** At the gateway, once SigV4 named the caller: its account goes on the access line. */
export function noteAccount(accountId: string): void {
  const request = currentRequest();
  if (request) request.account = accountId;
}

let accessLog: PinoLogger | undefined;

/**
 * One API request at the gateway: it gets its request id here, runs as the current request (log
 * lines carry the id) inside a server span continuing the caller's W3C trace context
 * (`traceparent`), and ends with its one access line: request id, account, API, operation, HTTP
 * status, AWS exception name (x-amzn-ErrorType) when it failed, latency.
 */
export function observeHttpRequest(req: IncomingMessage, res: ServerResponse, work: (requestId: string) => Promise<void>): Promise<void> {
  const requestId = randomUUID();
  const call = describeRequest(req);
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
      const line = {
        kind: 'access',
        requestId,
        account: context.account ?? null,
        api: call.api,
        operation: call.operation,
        status,
        ...(typeof exception === 'string' ? { exception } : {}),
        latencyMs: Math.round((performance.now() - start) * 10) / 10,
      };
      accessLog ??= structuredLogger('access');
      if (status >= 500) accessLog.warn(line, `${call.api} ${call.operation} ${status}`);
      else accessLog.info(line, `${call.api} ${call.operation} ${status}`);
    }, traceContextFrom(header, () => Object.keys(req.headers))),
  );
}
