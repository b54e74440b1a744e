/**
 * The gateway's API metrics: every request counted and timed by API, operation and outcome.
 * API and operation come from the request's method, path and headers the way the gateway
 * routes it (gateway.handler.ts), and only ever name what the gateway serves: anything else
 * is `unknown`, so a client cannot mint label values.
 */
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { matchRoute, parseAwsJsonTarget } from '@pki/aws-protocol';
import { counter, histogram, secondsSince } from '@pki/service-kit';
import type { GatewayRequest } from '../routing/http-types';
import { JSON_TARGETS, SIGNING_NAMES } from '../routing/operations';
import { IOT_ROUTES } from '../routing/rest-json.router';
import { CrlCnameRoute } from './crl-cname.route';
import { ObjectsRoute } from './objects.route';
import { OcspRoute } from './ocsp.route';

/** Served by MetricsController (Nest) on the gateway's port, unauthenticated; never an AWS route. */
export const METRICS_PATH = '/metrics';

const labelNames = ['api', 'operation', 'outcome'] as const;
const requests = counter('pki_api_requests_total', 'HTTP requests answered by the gateway, by API (acm-pca, ds, iot, ocsp, s3, unknown), operation and outcome (success, client_error, server_error, aborted)', labelNames);
const latency = histogram('pki_api_request_duration_seconds', 'Time from a request reaching the gateway to its answer being written, by API, operation and outcome', labelNames);
const errors = counter('pki_api_errors_total', 'Error answers of the gateway by API, operation and AWS error code (x-amzn-ErrorType), or HTTP<status> when the answer names none', ['api', 'operation', 'code']);

export interface ApiOperation {
  readonly api: string;
  readonly operation: string;
}

const UNKNOWN: ApiOperation = { api: 'unknown', operation: 'unknown' };
const EMPTY = Buffer.alloc(0);

/** The API and operation a request is for, decided in the gateway's routing order. */
export function apiOperationOf(method: string, url: string, headers: IncomingHttpHeaders): ApiOperation {
  const q = url.indexOf('?');
  const request: GatewayRequest = { method, rawPath: q < 0 ? url : url.slice(0, q), rawQuery: q < 0 ? '' : url.slice(q + 1), headers, body: EMPTY };
  if (OcspRoute.matches(method, request.rawPath) || OcspRoute.matchesRoot(request)) return { api: 'ocsp', operation: 'OcspRequest' };
  if (CrlCnameRoute.keyOf(method, request.rawPath) || ObjectsRoute.matches(method, request.rawPath)) return { api: 's3', operation: method === 'HEAD' ? 'HeadObject' : 'GetObject' };
  if (method === 'POST' && typeof headers['x-amz-target'] === 'string') {
    const target = parseAwsJsonTarget(headers['x-amz-target']);
    const api = target && SIGNING_NAMES[target.prefix];
    if (!target || !api) return UNKNOWN;
    return { api, operation: JSON_TARGETS[target.prefix]?.[target.operation] ? target.operation : 'unknown' };
  }
  const iot = matchRoute(method, request.rawPath, IOT_ROUTES);
  return iot ? { api: 'iot', operation: iot.operation } : UNKNOWN;
}

function outcomeOf(res: ServerResponse): string {
  if (!res.writableFinished) return 'aborted';
  if (res.statusCode >= 500) return 'server_error';
  return res.statusCode >= 400 ? 'client_error' : 'success';
}

/**
 * Counts and times the request when its answer is written (or the connection closes first);
 * `call` is its API and operation when the caller already has them (see apiOperationOf).
 */
export function observeApiRequest(req: IncomingMessage, res: ServerResponse, call?: ApiOperation): void {
  const start = process.hrtime.bigint();
  res.once('close', () => {
    const { api, operation } = call ?? apiOperationOf(req.method ?? 'GET', req.url ?? '/', req.headers);
    const outcome = outcomeOf(res);
    requests.inc({ api, operation, outcome });
    latency.observe({ api, operation, outcome }, secondsSince(start));
    if (outcome === 'client_error' || outcome === 'server_error') {
      const code = res.getHeader('x-amzn-ErrorType');
      errors.inc({ api, operation, code: typeof code === 'string' ? code.split(':')[0]! : `HTTP${res.statusCode}` });
    }
  });
}
