/**
 * The gateway's gRPC front (issue #16), on `@grpc/grpc-js` with the .proto files loaded at start
 * (@grpc/proto-loader): the official grpc.health.v1 and server-reflection implementations serve
 * from the same definitions, which is what grpcurl and Kubernetes probes are tested against.
 *
 * Every AWS operation is one generic unary handler: the client certificate gives the caller
 * (grpc-identity.ts), the request message becomes the operation's AWS JSON input
 * (grpc-translate.ts), and the OperationDispatcher - the one the HTTP routers use - checks it
 * against the model and sends the same NATS command; the result comes back as the response
 * message, an AWS exception as a gRPC status with ErrorInfo (grpc-errors.ts). The call's
 * deadline bounds the NATS wait and travels with the command; a cancelled call stops waiting.
 *
 * mTLS only: the listener requires a client certificate chaining to the client CA (the CA's
 * chain is the trust store) and the identity check then requires the exact CA, the SPIFFE
 * account rule and a certificate that is not revoked. grpc.health.v1 is also served in plain
 * text on its own port for kubelet gRPC probes, which cannot present a certificate; that port
 * serves nothing else.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Logger } from '@nestjs/common';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { ReflectionService } from '@grpc/reflection';
import { HealthImplementation, protoPath as healthProtoPath, type ServingStatusMap } from 'grpc-health-check';
import { MAX_REQUEST_BODY_BYTES, type AwsError } from '@pki/aws-protocol';
import { parseCertificate } from '@pki/pki';
import { counter, histogram, type ServiceClient } from '@pki/service-kit';
import type { Caller } from '@pki/contracts';
import type { EventsRoute } from '../events/events.route';
import { observeGrpcCall, type GrpcOutcome } from '../http/request-telemetry';
import type { ApiName, OperationDispatcher } from '../routing/operation-dispatcher';
import { DEV_GRPC_CA_TAG, ensureDevGrpcCredentials, joinPem } from './dev-credentials';
import { grpcConfigProblem, type GrpcConfig } from './grpc-config';
import { callRegion, REGION_METADATA_KEY } from './grpc-region';
import { grpcFailure, STATUS_DETAILS_KEY } from './grpc-errors';
import { GrpcEvents, type StreamEnd } from './grpc-events';
import { ClientIdentity } from './grpc-identity';
import { fromAwsJson, PROTO_LOADER_OPTIONS, toAwsJson } from './grpc-translate';
import { GRPC_SERVICES, type GrpcMethod } from './generated/grpc-model';

const EVENTS_SERVICE = 'pki.events.v1.EventsService';
const EVENTS_FILE = 'pki/events/v1/events.proto';
const DOMAINS: Readonly<Record<ApiName | 'events', string>> = {
  'acm-pca': 'acm-pca.amazonaws.com',
  iot: 'iot.amazonaws.com',
  directory: 'ds.amazonaws.com',
  events: 'events.pki.local',
};

const calls = counter('pki_grpc_requests_total', 'gRPC calls answered, by service, method and status code', ['service', 'method', 'code']);
const durations = histogram('pki_grpc_request_duration_seconds', 'gRPC unary call time, by method', ['method']);

/** The repository's proto/ directory: beside the sources (src or dist), found by walking up. */
export function findProtoDir(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'proto');
    if (existsSync(join(candidate, 'pki'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`no proto/ directory above ${from}: the gRPC listener needs the .proto files (copy proto/ beside dist/)`);
  }
}

type UnaryCall = grpc.ServerUnaryCall<Record<string, unknown>, unknown>;
type StreamCall = grpc.ServerWritableStream<Record<string, unknown>, unknown>;

export interface GrpcFrontOptions {
  readonly config: GrpcConfig;
  readonly dispatcher: OperationDispatcher;
  readonly services: ServiceClient;
  readonly feed: EventsRoute;
  /** The account the development client certificate is issued for. */
  readonly defaultAccountId: string;
  readonly production: boolean;
  /** PKI_REGIONS, the default region first: the regions a call may name in x-amz-region (grpc-region.ts). */
  readonly regions: readonly string[];
}

export class GrpcFront {
  private readonly log = new Logger('GrpcFront');
  private server: grpc.Server | undefined;
  private healthServer: grpc.Server | undefined;
  private health: HealthImplementation | undefined;
  private identity: ClientIdentity | undefined;
  private readonly events: GrpcEvents;
  private stopped = false;
  /** Unary calls and event streams being answered; a stop waits for them (not for health Watch streams). */
  private inFlight = 0;
  private readonly idleWaiters: Array<() => void> = [];
  /** Where the listener is, once it is (for tests: port 0 picks a free one). */
  port: number | undefined;
  healthPort: number | undefined;

  constructor(private readonly o: GrpcFrontOptions) {
    this.events = new GrpcEvents(o.feed, o.dispatcher, o.services, o.regions[0]!);
  }

  /**
   * Starts the listener, or says in the log why it stays off. In development the credentials
   * may need the platform's own services, so this waits for them (retrying) without holding up
   * the HTTP start: `ready` settles when the listener is up or has given up.
   */
  start(): Promise<void> {
    const problem = grpcConfigProblem(this.o.config);
    if (problem) {
      this.log.log(`gRPC listener off: ${problem}`);
      return Promise.resolve();
    }
    return this.startWithRetry();
  }

  private async startWithRetry(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.listen();
        // stop() came while the listener was starting: it found nothing to stop then.
        if (this.stopped) await this.stop(0);
        return;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof FatalGrpcConfig || attempt >= 60) {
          this.log.error(`gRPC listener off: ${message}`);
          return;
        }
        this.log.warn(`gRPC listener not started yet (attempt ${attempt}): ${message}; retrying in 2 s`);
        await new Promise((resolve) => setTimeout(resolve, 2000).unref());
      }
    }
  }

  private async credentials(): Promise<{ clientCaArn: string; certChain: Buffer; privateKey: Buffer }> {
    const c = this.o.config;
    if (c.tlsCertFile && c.tlsKeyFile && c.clientCaArn) {
      return { clientCaArn: c.clientCaArn, certChain: readFileSync(c.tlsCertFile), privateKey: readFileSync(c.tlsKeyFile) };
    }
    const dev = await ensureDevGrpcCredentials(this.o.services, { dir: c.devDir, accountId: this.o.defaultAccountId, trustDomain: c.trustDomain, serverNames: c.devServerNames });
    this.log.log(`gRPC development credentials in ${c.devDir} (client CA ${dev.clientCaArn}; ca.pem, client.pem, client.key for the account ${this.o.defaultAccountId})`);
    return { clientCaArn: dev.clientCaArn, certChain: Buffer.from(dev.serverCertPem), privateKey: Buffer.from(dev.serverKeyPem) };
  }

  /** The client CA's certificate and chain, from the platform itself; the development CA is refused in production. */
  private async clientCa(arn: string): Promise<{ certificate: string; trustPem: string }> {
    const account = arn.split(':')[4];
    if (!account || !/^\d{12}$/.test(account)) throw new FatalGrpcConfig(`PKI_GRPC_CLIENT_CA_ARN ${JSON.stringify(arn)} is not an ACM Private CA ARN`);
    const caller: Caller = { accountId: account, accessKeyId: 'pki-gateway-grpc' };
    const requestId = randomUUID();
    const got = await this.o.dispatcher.dispatch('acm-pca', 'GetCertificateAuthorityCertificate', { CertificateAuthorityArn: arn }, caller, requestId, { admitted: true });
    if (!got.ok) {
      const message = `the gRPC client CA ${arn} cannot be read: ${got.error.code}: ${got.error.message}`;
      throw got.error.code === 'ResourceNotFoundException' || got.error.code === 'InvalidStateException' ? new FatalGrpcConfig(message) : new Error(message);
    }
    if (this.o.production) {
      const tags = await this.o.dispatcher.dispatch('acm-pca', 'ListTags', { CertificateAuthorityArn: arn }, caller, requestId, { admitted: true });
      if (!tags.ok) throw new Error(`the tags of the gRPC client CA ${arn} cannot be read: ${tags.error.message}`);
      const list = (tags.result as { Tags?: Array<{ Key: string; Value?: string }> }).Tags ?? [];
      if (list.some((t) => t.Key === DEV_GRPC_CA_TAG.Key)) throw new FatalGrpcConfig(`the gRPC client CA ${arn} is the development trust CA (tag ${DEV_GRPC_CA_TAG.Key}); it is refused with NODE_ENV=production`);
    }
    const result = got.result as { Certificate: string; CertificateChain?: string };
    return { certificate: result.Certificate, trustPem: joinPem(result.Certificate, result.CertificateChain) };
  }

  private async listen(): Promise<void> {
    const creds = await this.credentials();
    const ca = await this.clientCa(creds.clientCaArn);
    this.identity = new ClientIdentity({ clientCa: parseCertificate(ca.certificate), clientCaId: creds.clientCaArn.split('/').pop()!, trustDomain: this.o.config.trustDomain, services: this.o.services });
    const protoDir = findProtoDir();
    const files = [...Object.values(GRPC_SERVICES).map((s) => s.file), EVENTS_FILE];
    const definition = protoLoader.loadSync(files, { ...PROTO_LOADER_OPTIONS, includeDirs: [protoDir] });
    const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_REQUEST_BODY_BYTES });
    for (const [name, service] of Object.entries(GRPC_SERVICES)) {
      const implementation: grpc.UntypedServiceImplementation = {};
      for (const method of service.methods) implementation[method.rpc] = (call: UnaryCall, callback: grpc.sendUnaryData<unknown>) => void this.unary(name, service.api, method, call, callback);
      server.addService(this.serviceDefinition(definition, name), implementation);
    }
    server.addService(this.serviceDefinition(definition, EVENTS_SERVICE), {
      WatchCertificate: (call: StreamCall) => void this.stream(call, 'WatchCertificate', (caller, requestId) => this.events.watchCertificate(call, caller, requestId)),
      StreamEvents: (call: StreamCall) => void this.stream(call, 'StreamEvents', (caller) => this.events.streamEvents(call, caller)),
    });
    const statusMap: ServingStatusMap = { '': 'SERVING', [EVENTS_SERVICE]: 'SERVING' };
    for (const name of Object.keys(GRPC_SERVICES)) statusMap[name] = 'SERVING';
    this.health = new HealthImplementation(statusMap);
    this.health.addToServer(server);
    // Reflection describes the health service too (grpcurl lists it), from grpc-health-check's own proto.
    const described = { ...definition, ...protoLoader.loadSync(healthProtoPath, PROTO_LOADER_OPTIONS) };
    new ReflectionService(described).addToServer(server);
    const credentials = grpc.ServerCredentials.createSsl(Buffer.from(ca.trustPem), [{ cert_chain: creds.certChain, private_key: creds.privateKey }], true);
    this.port = await bind(server, `${this.o.config.host}:${this.o.config.port}`, credentials);
    this.server = server;
    if (this.o.config.healthPort !== 0) {
      const healthServer = new grpc.Server();
      this.health.addToServer(healthServer);
      this.healthPort = await bind(healthServer, `${this.o.config.host}:${this.o.config.healthPort}`, grpc.ServerCredentials.createInsecure());
      this.healthServer = healthServer;
    }
    this.log.log(`gRPC listening on ${this.o.config.host}:${this.port} (mTLS, client CA ${creds.clientCaArn}, trust domain ${this.o.config.trustDomain}); grpc.health.v1 in plain text on ${this.healthPort ?? 'no port'}`);
  }

  private serviceDefinition(definition: protoLoader.PackageDefinition, name: string): grpc.ServiceDefinition {
    const service = definition[name];
    if (!service || 'format' in service) throw new Error(`the proto files define no service ${name}`);
    return service as grpc.ServiceDefinition;
  }

  /** Who is calling, from the TLS session's client certificate; a failure to answer with otherwise. */
  private async caller(call: UnaryCall | StreamCall, requestId: string, api: ApiName | 'events'): Promise<{ caller: Caller } | { failure: Failure }> {
    const der = call.getAuthContext()?.sslPeerCertificate?.raw;
    if (!der || !this.identity) return { failure: this.failure({ code: 'UnrecognizedClientException', message: 'A client certificate is required.', status: 401 }, api, requestId) };
    const checked = await this.identity.check(der, requestId);
    if (checked.ok) {
      // The region the call acts in: x-amz-region (one of PKI_REGIONS), else the default region.
      const region = callRegion(call.metadata.get(REGION_METADATA_KEY), this.o.regions);
      if (!region.ok) return { failure: this.failure(region.error, api, requestId) };
      return { caller: region.region === undefined ? checked.caller : { ...checked.caller, region: region.region } };
    }
    // UNAVAILABLE (revocation cannot be checked now: call again) or UNAUTHENTICATED, by the exception's name (grpc-errors.ts).
    const error = checked.unavailable ? { code: 'ServiceUnavailableException', message: checked.message, status: 503 } : { code: 'UnrecognizedClientException', message: checked.message, status: 401 };
    return { failure: this.failure(error, api, requestId) };
  }

  private failure(error: AwsError, api: ApiName | 'events', requestId: string): Failure {
    const failure = grpcFailure(error, DOMAINS[api], requestId);
    const metadata = requestIdMetadata(requestId);
    metadata.set(STATUS_DETAILS_KEY, failure.statusDetails);
    return { status: { code: failure.code, details: failure.details, metadata }, reason: error.code };
  }

  private unary(service: string, api: ApiName, method: GrpcMethod, call: UnaryCall, callback: grpc.sendUnaryData<unknown>): Promise<void> {
    const started = process.hrtime.bigint();
    this.callStarted();
    return observeGrpcCall(service, method.rpc, metadataReader(call.metadata), async (requestId, noteCaller) => {
      const answer = (failure: Failure | null, response?: unknown): GrpcOutcome => {
        this.callEnded();
        durations.observe({ method: method.rpc }, Number(process.hrtime.bigint() - started) / 1e9);
        if (failure) callback(failure.status);
        else callback(null, response, requestIdMetadata(requestId));
        return counted(service, method.rpc, failure);
      };
      try {
        const who = await this.caller(call, requestId, api);
        if ('failure' in who) return answer(who.failure);
        noteCaller(who.caller.accountId);
        const deadline = call.getDeadline();
        const deadlineMs = deadline instanceof Date ? deadline.getTime() : Number(deadline);
        const timeoutMs = Number.isFinite(deadlineMs) ? deadlineMs - Date.now() : undefined;
        if (timeoutMs !== undefined && timeoutMs <= 0) return answer(this.failure({ code: 'DeadlineExceeded', message: 'The deadline passed before the call started; nothing was done.', status: 504 }, api, requestId));
        const abort = new AbortController();
        call.once('cancelled', () => abort.abort());
        const input = toAwsJson(method.request, call.request);
        const reply = await this.o.dispatcher.dispatch(api, method.operation, input, who.caller, requestId, { timeoutMs, signal: abort.signal });
        if (!reply.ok) return answer(this.failure(reply.error, api, requestId));
        // reply.result is decoded JSON already: blobs base64, timestamps epoch seconds, as on HTTP.
        return answer(null, fromAwsJson(method.response, (reply.result ?? {}) as Record<string, unknown>));
      } catch (error) {
        this.log.error(`${service}/${method.rpc} failed (request ${requestId})`, error instanceof Error ? error.stack : String(error));
        return answer(this.failure({ code: 'InternalFailure', message: `The request processing has failed because of an unknown error (request id ${requestId}).`, status: 500 }, api, requestId));
      }
    });
  }

  private stream(call: StreamCall, rpc: string, run: (caller: Caller, requestId: string) => Promise<StreamEnd>): Promise<void> {
    this.callStarted();
    return observeGrpcCall(EVENTS_SERVICE, rpc, metadataReader(call.metadata), async (requestId, noteCaller) => {
      const end = (failure: Failure | null): GrpcOutcome => {
        this.callEnded();
        if (failure) call.emit('error', failure.status);
        else if (!call.cancelled) call.end();
        return counted(EVENTS_SERVICE, rpc, failure);
      };
      try {
        const who = await this.caller(call, requestId, 'events');
        if ('failure' in who) return end(who.failure);
        noteCaller(who.caller.accountId);
        call.sendMetadata(requestIdMetadata(requestId));
        const result = await run(who.caller, requestId);
        return end('error' in result ? this.failure(result.error, 'events', requestId) : null);
      } catch (error) {
        this.log.error(`${EVENTS_SERVICE}/${rpc} failed (request ${requestId})`, error instanceof Error ? error.stack : String(error));
        return end(this.failure({ code: 'InternalFailure', message: `The stream failed (request id ${requestId}).`, status: 500 }, 'events', requestId));
      }
    });
  }

  private callStarted(): void {
    this.inFlight++;
  }

  private callEnded(): void {
    this.inFlight--;
    if (this.inFlight === 0) for (const waiter of this.idleWaiters.splice(0)) waiter();
  }

  private whenIdle(then: () => void): void {
    if (this.inFlight === 0) then();
    else this.idleWaiters.push(then);
  }

  /**
   * Stops taking calls: health says NOT_SERVING, open streams end UNAVAILABLE (their clients
   * call again elsewhere), unary calls in flight finish within `boundMs`, then what is left is cut.
   */
  async stop(boundMs: number): Promise<{ streams: number }> {
    this.stopped = true;
    const streams = this.events.openStreams;
    this.health?.setStatus('', 'NOT_SERVING');
    for (const name of [...Object.keys(GRPC_SERVICES), EVENTS_SERVICE]) this.health?.setStatus(name, 'NOT_SERVING');
    this.events.closeAll();
    // No new calls from here; calls in flight finish (event streams were just ended), within the
    // bound. Then whatever is left - health Watch streams, which never end by themselves - is cut.
    for (const server of [this.server, this.healthServer]) server?.tryShutdown(() => undefined);
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, boundMs);
      timer.unref();
      this.whenIdle(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    for (const server of [this.server, this.healthServer]) server?.forceShutdown();
    return { streams };
  }
}

/** A call's failure: the gRPC status to send and the AWS exception (ErrorInfo reason) it stands for. */
interface Failure {
  readonly status: grpc.StatusObject;
  readonly reason: string;
}

/** Metadata naming the call's request id (as `x-amzn-RequestId` on HTTP). */
function requestIdMetadata(requestId: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('x-amzn-requestid', requestId);
  return metadata;
}

/** Counts an answered call in pki_grpc_requests_total; its status and AWS exception for the access line. */
function counted(service: string, method: string, failure: Failure | null): GrpcOutcome {
  const status = grpc.status[failure?.status.code ?? grpc.status.OK] ?? 'UNKNOWN';
  calls.inc({ service, method, code: status });
  return { status, ...(failure ? { exception: failure.reason } : {}) };
}

/** The first value of a text metadata entry (for the trace context). */
const metadataReader =
  (metadata: grpc.Metadata) =>
  (name: string): string | undefined => {
    const value = metadata.get(name)[0];
    return typeof value === 'string' ? value : undefined;
  };

/** A configuration the listener can never start with (retrying would not help). */
class FatalGrpcConfig extends Error {}

function bind(server: grpc.Server, address: string, credentials: grpc.ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync(address, credentials, (error, port) => (error ? reject(error) : resolve(port))));
}

