/**
 * OCSP on the gateway's HTTP server directly (node:http), ahead of Nest/Express: OCSP is the
 * gateway's highest-rate route (issue #14: 5,000-10,000 responses/s on two cores), and a request
 * answered from a pre-signed response must cost little more than its socket writes. The route and
 * its answers are OcspRoute's (http/ocsp.route.ts), so GET/POST, the root forms for
 * OcspCustomCname hosts, malformed requests and tryLater behave as through GatewayHandler.
 *
 * Telemetry: every OCSP request is counted and timed in the API metrics (api `ocsp`). A request
 * answered from a pre-signed response gets no request id, span or access line (anonymous public
 * traffic, thousands a second, and nothing beyond this process happened for it); every other one
 * (forwarded to revocation-service, malformed) runs as the gateway's other requests do
 * (observeHttpRequest: request id, span, access line, `x-amzn-RequestId`).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { MAX_OCSP_REQUEST_OCTETS } from '@pki/pki';
import { observeApiRequest, type ApiOperation } from '../http/api-metrics';
import type { ObjectResponse } from '../http/objects.route';
import { OcspRoute } from '../http/ocsp.route';
import { observeHttpRequest } from '../http/request-telemetry';
import type { GatewayRequest } from '../routing/http-types';

const OCSP: ApiOperation = { api: 'ocsp', operation: 'OcspRequest' };
const EMPTY = Buffer.alloc(0);

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** Reads at most `limit` + 1 octets of the body (more is malformed anyway: the rest is drained unread). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: ObjectResponse): void {
  res.statusCode = response.status;
  for (const name in response.headers) res.setHeader(name, response.headers[name]!);
  res.end(response.body);
}

/** The OCSP request this HTTP request is, or undefined when it is none (left to the rest of the gateway). */
function ocspRequestOf(req: IncomingMessage): GatewayRequest | undefined {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const request: GatewayRequest = { method: req.method ?? 'GET', rawPath: q < 0 ? url : url.slice(0, q), rawQuery: q < 0 ? '' : url.slice(q + 1), headers: req.headers, body: EMPTY };
  return OcspRoute.matches(request.method, request.rawPath) || OcspRoute.matchesRoot(request) ? request : undefined;
}

/**
 * Puts `route` in front of the server's first `request` listener (Nest's Express app): OCSP
 * requests are answered here, everything else goes on to it. Call it after HttpDrain listens:
 * the replacement is appended, so HttpDrain sees each request first (and may still add
 * `Connection: close` to an answer written at once).
 */
export function serveOcspFirst(server: Server, route: OcspRoute): void {
  const [app] = server.listeners('request') as Listener[];
  if (!app) throw new Error('the HTTP server has no request listener to put OCSP in front of');
  const log = new Logger('ocsp');
  const handle = async (req: IncomingMessage, res: ServerResponse, request: GatewayRequest): Promise<void> => {
    const body = request.method === 'POST' ? await readBody(req, MAX_OCSP_REQUEST_OCTETS) : EMPTY;
    const withBody = { ...request, body };
    const presigned = route.answerPresigned(withBody);
    if (presigned) return send(res, presigned);
    await observeHttpRequest(req, res, OCSP, async (requestId) => {
      res.setHeader('x-amzn-RequestId', requestId);
      send(res, await route.handle(withBody, requestId));
    });
  };
  const first: Listener = (req, res) => {
    const request = ocspRequestOf(req);
    if (!request) return app(req, res);
    observeApiRequest(req, res, OCSP);
    handle(req, res, request).catch((error: unknown) => {
      log.error('OCSP request failed', error instanceof Error ? error.stack : String(error));
      if (!res.headersSent) send(res, OcspRoute.internalError());
      else res.destroy();
    });
  };
  server.removeListener('request', app);
  server.on('request', first);
}
