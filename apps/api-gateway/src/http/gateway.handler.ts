import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { awsJsonError, MAX_REQUEST_BODY_BYTES, requestTooLargeError, restJsonError, verifySigV4, type AwsError, type SigV4Options, type WireResponse } from '@pki/aws-protocol';
import type { ObjectStorage } from '@pki/object-storage';
import type { PlatformConfig } from '@pki/service-kit';
import { AwsJsonRouter } from '../routing/aws-json.router';
import { RestJsonRouter } from '../routing/rest-json.router';
import { OperationDispatcher } from '../routing/operation-dispatcher';
import type { GatewayRequest } from '../routing/http-types';
import { SIGNING_NAMES } from '../routing/operations';
import type { ServiceClient } from '@pki/service-kit';
import type { Throttle } from '../throttle/throttle';
import { METRICS_PATH, observeApiRequest } from './api-metrics';
import { CrlCnameRoute } from './crl-cname.route';
import { ObjectsRoute, type ObjectResponse } from './objects.route';
import type { OcspResponder } from '../ocsp/ocsp-responder';
import { EventsRoute } from '../events/events.route';
import { IotRootCaRoute } from './iot-root-ca.route';
import { OcspRoute } from './ocsp.route';
import { describeRequest, noteAccount, observeHttpRequest } from './request-telemetry';

/** `drained`: the whole body was read (the connection can stay open); otherwise it is closed after the answer. */
class BodyTooLarge extends Error {
  constructor(readonly drained: boolean) {
    super('request body too large');
  }
}

/** The signing names a credential scope may carry: each awsJson1_1 API's, IoT's and API Gateway's (`execute-api`). */
const ALLOWED_SERVICES: readonly string[] = Object.values(SIGNING_NAMES).concat(['iot', 'execute-api']);

/**
 * How much of an oversized body is read and discarded before the 413 is sent. Answering while the
 * client is still writing makes most clients (undici, the SDKs' handlers) fail with EPIPE or
 * ECONNRESET instead of reading the answer; beyond this, the answer goes out at once and the
 * connection is closed.
 */
const DRAIN_LIMIT_BYTES = 8 * MAX_REQUEST_BODY_BYTES;

/** Discards the rest of `req`, then rejects with BodyTooLarge (at once, not drained, past DRAIN_LIMIT_BYTES). */
function refuseAfterDrain(req: IncomingMessage, seen: number, reject: (error: BodyTooLarge) => void): void {
  req.removeAllListeners('data');
  req.removeAllListeners('end');
  let drained = seen;
  if (drained > DRAIN_LIMIT_BYTES) {
    req.resume();
    reject(new BodyTooLarge(false));
    return;
  }
  req.on('data', (chunk: Buffer) => {
    drained += chunk.length;
    if (drained > DRAIN_LIMIT_BYTES) reject(new BodyTooLarge(false));
  });
  req.once('end', () => reject(new BodyTooLarge(true)));
  req.resume();
}

/** Reads the whole body, refusing more than MAX_REQUEST_BODY_BYTES without buffering it. */
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > MAX_REQUEST_BODY_BYTES) {
      refuseAfterDrain(req, declared > DRAIN_LIMIT_BYTES ? declared : 0, reject);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BODY_BYTES) {
        refuseAfterDrain(req, size, reject);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function splitUrl(url: string): { rawPath: string; rawQuery: string } {
  const q = url.indexOf('?');
  return q < 0 ? { rawPath: url, rawQuery: '' } : { rawPath: url.slice(0, q), rawQuery: url.slice(q + 1) };
}

/**
 * The gateway's HTTP entry: every AWS-protocol request passes here. It authenticates with
 * SigV4 (over the path exactly as signed), then hands the request to its protocol's router.
 * It holds no business logic and no database.
 */
export class GatewayHandler {
  private readonly log = new Logger('Gateway');
  private readonly json: AwsJsonRouter;
  private readonly rest: RestJsonRouter;
  private readonly objects: ObjectsRoute | undefined;
  private readonly ocsp: OcspRoute;
  private readonly crlCname: CrlCnameRoute;
  private readonly iotRootCa: IotRootCaRoute;
  private readonly keys: ReadonlyMap<string, { readonly secretAccessKey: string; readonly accountId: string }>;
  private readonly sigV4: SigV4Options;
  /** The one path to the services (model check, command, error mapping), shared with the gRPC front. */
  readonly dispatcher: OperationDispatcher;

  constructor(
    config: PlatformConfig,
    services: ServiceClient,
    now: () => Date = () => new Date(),
    objects?: ObjectStorage,
    throttle?: Throttle,
    ocsp?: OcspResponder,
    private readonly events?: EventsRoute,
  ) {
    // Throttling (per account and operation) happens in the routers, after SigV4 and before NATS.
    this.dispatcher = new OperationDispatcher(services, throttle);
    this.json = new AwsJsonRouter(this.dispatcher);
    this.rest = new RestJsonRouter(this.dispatcher);
    this.ocsp = new OcspRoute(services, ocsp);
    this.crlCname = new CrlCnameRoute(services);
    this.iotRootCa = new IotRootCaRoute(services);
    this.objects = objects && new ObjectsRoute(objects, { region: config.region, regions: config.regions, now, credentials: (id) => this.credentials(id) });
    this.keys = new Map(config.accessKeys.map((k) => [k.accessKeyId, { secretAccessKey: k.secretAccessKey, accountId: k.accountId }]));
    this.sigV4 = { region: config.region, regions: config.regions, now, credentials: (accessKeyId) => this.credentials(accessKeyId), allowedServices: ALLOWED_SERVICES };
  }

  private credentials(accessKeyId: string): { secretAccessKey: string; accountId: string } | undefined {
    return this.keys.get(accessKeyId);
  }

  /**
   * The HTTP server's request listener: every request but the health routes and GET /metrics is
   * answered here, straight from `node:http`; those go to `nest` (Nest's Express app, which serves
   * HealthController and MetricsController). The AWS routes never pass through Express: its
   * router and request decoration cost more CPU per request than SigV4 did.
   */
  listener(nest: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void {
    return (req, res) => {
      const url = req.url ?? '/';
      if (url === '/health/live' || url === '/health/ready' || (url === METRICS_PATH && req.method === 'GET')) return nest(req, res);
      try {
        // API and operation, read once from the request line and headers for the metrics, the access line and the span.
        const call = describeRequest(req);
        observeApiRequest(req, res, call);
        // Request id, access line and span: see request-telemetry.ts.
        void observeHttpRequest(req, res, call, (requestId) =>
          this.handle(req, res, requestId).catch((error: unknown) => this.failed(req, res, error)),
        );
      } catch (error) {
        this.failed(req, res, error);
      }
    };
  }

  private failed(req: IncomingMessage, res: ServerResponse, error: unknown): void {
    this.log.error('request failed', error instanceof Error ? error.stack : String(error));
    if (!res.headersSent) this.send(res, this.internalError(req));
  }

  private isJsonProtocol(req: IncomingMessage): boolean {
    return req.method === 'POST' && typeof req.headers['x-amz-target'] === 'string';
  }

  private errorFor(req: IncomingMessage, error: AwsError, requestId: string): WireResponse {
    if (!this.isJsonProtocol(req)) return restJsonError(error, { requestId });
    const messageKey = String(req.headers['x-amz-target']).startsWith('DirectoryService_20150416.') ? 'Message' : 'message';
    return awsJsonError(error, { requestId, messageKey });
  }

  private internalError(req: IncomingMessage): WireResponse {
    return this.errorFor(req, { code: 'InternalFailure', message: 'The request processing has failed because of an unknown error.', status: 500 }, 'unknown');
  }

  async handle(req: IncomingMessage, res: ServerResponse, requestId: string = randomUUID()): Promise<void> {
    res.setHeader('x-amzn-RequestId', requestId);
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        if (!error.drained) res.setHeader('Connection', 'close');
        return this.send(res, this.errorFor(req, requestTooLargeError(MAX_REQUEST_BODY_BYTES), requestId));
      }
      throw error;
    }
    const { rawPath, rawQuery } = splitUrl(req.url ?? '/');
    const request: GatewayRequest = { method: req.method ?? 'GET', rawPath, rawQuery, headers: req.headers, body };
    // Object reads (CRLs, audit reports) authorize per object, S3-style: see objects.route.ts.
    // OCSP (RFC 6960) is public and unsigned; its raw path carries base64 and is never normalized: see ocsp.route.ts.
    // At the root (http://<OcspCustomCname>/) only unsigned requests shaped as OCSP are taken: see OcspRoute.matchesRoot.
    if (OcspRoute.matches(request.method, rawPath) || OcspRoute.matchesRoot(request)) return this.sendObject(res, await this.ocsp.handle(request, requestId));
    // The IoT root CA certificate, public and unsigned like AWS's Amazon Root CA download: see iot-root-ca.route.ts.
    if (IotRootCaRoute.matches(request.method, rawPath)) return this.sendObject(res, await this.iotRootCa.handle(request, requestId));
    if (this.objects) {
      // http://<CustomCname>/crl/<CA id>.crl when the Host is that CA's CustomCname, else the object route: see crl-cname.route.ts.
      const crlKey = CrlCnameRoute.keyOf(request.method, rawPath);
      if (crlKey) {
        const found = await this.crlCname.resolve(request, crlKey, requestId);
        if (found.kind === 'serve') return this.sendObject(res, await this.objects.serve(request, found.bucket, found.key, requestId, rawPath));
        if (found.kind === 'failed') {
          // Which object the name means is unknown now: S3's 503 tells CRL clients to retry, where a 404 would be wrong.
          const unavailable = found.error.kind === 'Unavailable';
          const status = unavailable ? 503 : 500;
          const code = unavailable ? 'ServiceUnavailable' : 'InternalError';
          const message = unavailable ? 'The CRL cannot be located now; try again later.' : 'We encountered an internal error. Please try again.';
          return this.sendObject(res, this.objects.error(request.method === 'HEAD', status, code, message, requestId));
        }
      }
      if (ObjectsRoute.matches(request.method, rawPath)) return this.sendObject(res, await this.objects.handle(request, requestId));
    }
    // The public event feed as Server-Sent Events, SigV4 with the signing name `events`: see events.route.ts.
    if (this.events && EventsRoute.matches(request.method, rawPath)) return this.events.handle(req, res, request, requestId, this.sigV4);
    const auth = verifySigV4(request, this.sigV4);
    if (!auth.ok) return this.send(res, this.errorFor(req, { code: auth.code, message: auth.message, status: auth.status }, requestId));
    // The region comes from the verified credential scope (one of PKI_REGIONS): services mint
    // ARNs in it and find only that region's resources, as each AWS region keeps its own.
    const caller = { accountId: auth.accountId, accessKeyId: auth.accessKeyId, region: auth.region };
    noteAccount(auth.accountId);
    if (this.isJsonProtocol(req)) {
      return this.send(res, await this.json.route(request, caller, requestId));
    }
    // restJson1 (AWS IoT): see rest-json.router.ts (answers UnknownOperationException when no route matches).
    return this.send(res, await this.rest.route(request, caller, requestId));
  }

  private sendObject(res: ServerResponse, response: ObjectResponse): void {
    res.statusCode = response.status;
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    res.end(Buffer.from(response.body.buffer, response.body.byteOffset, response.body.byteLength));
  }

  private send(res: ServerResponse, response: WireResponse): void {
    res.statusCode = response.status;
    for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
    const body = Buffer.from(response.body);
    res.setHeader('Content-Length', String(body.length));
    res.end(body);
  }
}
