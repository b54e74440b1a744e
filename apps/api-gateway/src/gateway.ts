import 'reflect-metadata';
import { Logger, Module, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createObjectStorage, type ObjectStorage } from '@pki/object-storage';
import { exitGracefullyOnSignals, HealthController, Lifecycle, loadConfig, type PlatformConfig, ServiceClient } from '@pki/service-kit';
import { GatewayModule } from './app.module';
import { GatewayHandler } from './http/gateway.handler';

export interface GatewayOptions {
  readonly config?: PlatformConfig;
  /** Overrides the configured port (0 = a free port, for tests). */
  readonly port?: number;
  readonly signalHandlers?: boolean;
  readonly now?: () => Date;
  /** Where `GET /<bucket>/<key>` reads objects (default: PKI_OBJECT_STORE / PKI_OBJECT_STORE_DIR). */
  readonly objects?: ObjectStorage;
}

/**
 * Starts the api-gateway: the only public surface. Body parsing is off so SigV4 sees the
 * exact bytes that were signed; every response carries a Date header.
 */
export async function startGateway(options: GatewayOptions = {}): Promise<INestApplication> {
  const config = options.config ?? loadConfig();

  @Module({ imports: [GatewayModule.forRoot(config)], controllers: [HealthController], providers: [Lifecycle] })
  class GatewayRootModule {}

  const app = await NestFactory.create(GatewayRootModule, { bodyParser: false, logger: ['error', 'warn', 'log'], abortOnError: false });
  const handler = new GatewayHandler(config, app.get(ServiceClient), options.now, options.objects ?? createObjectStorage(process.env));
  app.use((_req: unknown, res: { setHeader(name: string, value: string): void }, next: () => void) => {
    res.setHeader('Date', new Date().toUTCString());
    next();
  });
  app.use(handler.middleware());
  const http = app.getHttpAdapter().getInstance() as { disable(setting: string): void };
  http.disable('x-powered-by');
  await app.listen(options.port ?? config.httpPort, config.httpHost);
  if (options.signalHandlers ?? true) exitGracefullyOnSignals(app, 'api-gateway');
  new Logger('api-gateway').log(`listening on ${await app.getUrl()}`);
  return app;
}
