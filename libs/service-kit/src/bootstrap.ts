import 'reflect-metadata';
import { Logger, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { ServiceName } from '@pki/contracts';
import { CommandServer, type CommandHandlers } from './command-server';
import { loadConfig, type PlatformConfig } from './config';
import { HealthController, Lifecycle } from './health';
import { exitGracefullyOnSignals } from './shutdown';

/** Token under which a service module exports its operation handlers. */
export const COMMAND_HANDLERS = Symbol('COMMAND_HANDLERS');
export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');

export interface ServiceDefinition {
  readonly service: ServiceName;
  /** The service's root module for this configuration; it must export COMMAND_HANDLERS and READINESS_CHECKS. */
  createModule(config: PlatformConfig): DynamicModule;
}

export interface StartOptions {
  readonly config?: PlatformConfig;
  /** Port for the health endpoints; defaults to the config's health port. 0 picks a free one. */
  readonly healthPort?: number;
  /** Install SIGTERM/SIGINT handlers (processes: yes; in-process tests: no). */
  readonly signalHandlers?: boolean;
}

/**
 * Starts one back-end service: its Nest module (which migrates and starts its relay and
 * projections during init), its NATS command server, and the HTTP health endpoints.
 * SIGTERM closes it gracefully: readiness flips, no new requests are taken, in-flight ones
 * finish, NATS is drained, then the database pool is closed.
 */
export async function startService(definition: ServiceDefinition, options: StartOptions = {}): Promise<INestApplication> {
  const config = options.config ?? loadConfig();
  const serviceModule = definition.createModule(config);

  @Module({ imports: [serviceModule], controllers: [HealthController], providers: [Lifecycle] })
  class ServiceRootModule {}

  const app = await NestFactory.create(ServiceRootModule, { logger: ['error', 'warn', 'log'], abortOnError: false });
  const handlers = app.get<CommandHandlers>(COMMAND_HANDLERS);
  app.connectMicroservice({
    strategy: new CommandServer({ natsUrl: config.natsUrl, prefix: config.natsPrefix, service: definition.service, handlers }),
  });
  await app.init();
  await app.startAllMicroservices();
  const port = options.healthPort ?? config.healthPort;
  await app.listen(port, config.httpHost);
  if (options.signalHandlers ?? true) exitGracefullyOnSignals(app, definition.service);
  new Logger(definition.service).log(`ready: health on ${await app.getUrl()}, commands on ${config.natsPrefix}.cmd.${definition.service}.*`);
  return app;
}
