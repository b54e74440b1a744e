import 'reflect-metadata';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Logger, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createObjectStorage, type ObjectStorage } from '@pki/object-storage';
import { exitGracefullyOnSignals, HealthController, loadConfig, MetricsController, openProcessResources, processModule, type PlatformConfig } from '@pki/service-kit';
import { GatewayModule } from './app.module';
import { EventsRoute } from './events/events.route';
import { GatewayHandler } from './http/gateway.handler';
import { loadGrpcConfig, type GrpcConfig } from './grpc/grpc-config';
import { GrpcFront } from './grpc/grpc-server';
import { HttpDrain } from './http/http-drain';
import { serveOcspFirst } from './ocsp/ocsp-http';
import { startOcspResponder } from './ocsp/start-ocsp-responder';
import { OcspRoute } from './http/ocsp.route';
import { Throttle } from './throttle/throttle';
import { describeThrottle, loadThrottleConfig, type ThrottleConfig } from './throttle/throttle-config';

/** Longest a graceful stop waits for requests in flight before cutting their connections. */
const HTTP_DRAIN_BOUND_MS = 10_000;
/** How long an idle kept-alive connection stays open: past a load balancer's 60 s idle timeout. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;

export interface GatewayOptions {
  readonly config?: PlatformConfig;
  /** Overrides the configured port (0 = a free port, for tests). */
  readonly port?: number;
  readonly signalHandlers?: boolean;
  readonly now?: () => Date;
  /** Where `GET /<bucket>/<key>` reads objects (default: PKI_OBJECT_STORE / PKI_OBJECT_STORE_DIR). */
  readonly objects?: ObjectStorage;
  /** Per account and operation limits (default: PKI_THROTTLE_ENABLED, PKI_THROTTLE_DEFAULT, PKI_THROTTLE). */
  readonly throttle?: ThrottleConfig;
  /** The gRPC listener's settings (default: PKI_GRPC_* from the environment). */
  readonly grpc?: GrpcConfig;
  /** Receives the gRPC front once made (tests read its port). */
  readonly onGrpc?: (front: GrpcFront) => void;
}

/**
 * Starts the api-gateway: the only public surface, on ONE NATS connection (every command goes
 * through its ServiceClient). Body parsing is off so SigV4 sees the exact bytes that were
 * signed; every response carries a Date header. Closing it flips readiness, stops HTTP (HttpDrain:
 * idle connections close at once, requests that reached it are answered with `Connection: close`),
 * then drains NATS, which the requests in flight still need until then.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<INestApplication> {
  const config = options.config ?? loadConfig();
  const throttle = options.throttle ?? loadThrottleConfig();
  const resources = await openProcessResources(config, 'api-gateway');

  @Module({ imports: [processModule(resources), GatewayModule.forRoot()], controllers: [HealthController, MetricsController] })
  class GatewayRootModule {}

  let app: INestApplication;
  try {
    app = await NestFactory.create(GatewayRootModule, { bodyParser: false, logger: ['error', 'warn', 'log'], abortOnError: false });
  } catch (error) {
    await resources.shutdown.run();
    throw error;
  }
  // OCSP answered from this process's pre-signed responses while its lease runs (ocsp/).
  const ocsp = await startOcspResponder(resources, config, process.env);
  const events = new EventsRoute({
    nc: resources.nc,
    prefix: config.natsPrefix,
    stream: config.publicEvents.stream,
    keepAliveMs: positiveMs(process.env.PKI_EVENTS_KEEPALIVE_MS, 'PKI_EVENTS_KEEPALIVE_MS', 15_000),
  });
  const handler = new GatewayHandler(config, resources.services, options.now, options.objects ?? createObjectStorage(process.env), new Throttle(throttle), ocsp, events);
  // gRPC (grpc/): the same dispatcher, so the same model checks, commands and errors as HTTP.
  const grpcFront = new GrpcFront({
    config: options.grpc ?? loadGrpcConfig(process.env, config.httpHost),
    dispatcher: handler.dispatcher,
    services: resources.services,
    feed: events,
    defaultAccountId: config.accessKeys[0]?.accountId ?? '000000000000',
    production: config.nodeEnv === 'production',
    regions: config.regions,
  });
  options.onGrpc?.(grpcFront);
  const http = app.getHttpAdapter().getInstance() as { disable(setting: string): void };
  http.disable('x-powered-by');
  const server = app.getHttpServer() as Server;
  // The AWS routes are answered by the gateway's own request listener, ahead of Express: Nest's
  // Express app (the server's listener until now) only serves what the handler passes on
  // (health, GET /metrics). Every answer carries a Date header (node:http's sendDate).
  const nest = server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
  server.removeAllListeners('request');
  server.on(
    'request',
    handler.listener((req, res) => {
      for (const listener of nest) listener.call(server, req, res);
    }),
  );
  // Idle keep-alive connections stay open longer than a load balancer's idle timeout (60 s on an
  // AWS ALB and most ingress controllers): if the gateway closed first, the balancer or an SDK
  // could write a request on a socket the gateway is closing and get a reset ("socket hang up").
  // headersTimeout must exceed keepAliveTimeout (Node's http.Server docs).
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  // The first step of closing, before Nest closes the server (which would wait for kept-alive connections).
  const drain = new HttpDrain(server);
  // OCSP on node:http ahead of Express (ocsp/ocsp-http.ts), after HttpDrain's listener.
  serveOcspFirst(server, new OcspRoute(resources.services, ocsp));
  resources.shutdown.add('commands', async () => {
    // Event streams never end by themselves: end them first (their clients reconnect elsewhere with Last-Event-ID).
    const streams = events.openStreams;
    events.closeAll();
    if (streams > 0) new Logger('api-gateway').log(`ended ${streams} event stream(s) (GET /events)`);
    const [{ inFlight, cut }, grpcStop] = await Promise.all([drain.close(HTTP_DRAIN_BOUND_MS), grpcFront.stop(HTTP_DRAIN_BOUND_MS)]);
    if (grpcStop.streams > 0) new Logger('api-gateway').log(`ended ${grpcStop.streams} gRPC stream(s)`);
    new Logger('api-gateway').log(`HTTP stopped: ${inFlight} request(s) in flight at the stop, ${cut} cut at the ${HTTP_DRAIN_BOUND_MS} ms bound`);
  });
  try {
    await app.listen(options.port ?? config.httpPort, config.httpHost);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  if (options.signalHandlers ?? true) exitGracefullyOnSignals(app, 'api-gateway');
  new Logger('api-gateway').log(`listening on ${await app.getUrl()}`);
  new Logger('api-gateway').log(describeThrottle(throttle));
  // Not awaited: in development the listener's credentials come from the platform's own services,
  // which may still be starting; the HTTP API does not wait for them.
  void grpcFront.start();
  return app;
}

/** A positive number of milliseconds from the environment, or `fallback`; anything else stops the start with the variable's name. */
function positiveMs(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer number of milliseconds, not ${JSON.stringify(raw)}`);
  return value;
}
