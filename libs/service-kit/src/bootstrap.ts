import 'reflect-metadata';
import { Logger, Module, type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { commandWildcard, type ServiceName } from '@pki/contracts';
import { CommandServer, type CommandHandlers } from './command-server';
import { loadConfig, type PlatformConfig } from './config';
import { HealthController } from './health';
import { MetricsController } from './metrics.controller';
import { openProcessResources, processModule } from './process-module';
import { exitGracefullyOnSignals } from './shutdown';
import { withTestDelays } from './test-delays';

function optional<T>(app: INestApplication, token: symbol): T | undefined {
  try {
    return app.get<T>(token, { strict: false });
  } catch {
    return undefined;
  }
}

/** Token under which a service module exports its operation handlers. */
export const COMMAND_HANDLERS = Symbol('COMMAND_HANDLERS');
/**
 * Optional token: `(error) => boolean`, true when a handler's error means a dependency is
 * unreachable (the event-sourced service module provides Postgres's connection errors).
 */
export const UNAVAILABLE_ERRORS = Symbol('UNAVAILABLE_ERRORS');

export interface ServiceDefinition {
  readonly service: ServiceName;
  /**
   * The service's root module for this configuration; it must export COMMAND_HANDLERS and
   * READINESS_CHECKS, and finds NATS_CONNECTION, ServiceClient and ShutdownSequence global.
   */
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
 * Starts one back-end service on ONE NATS connection: its Nest module (which migrates and
 * starts its relay, projections and workers during creation), its command server, and the
 * HTTP health endpoints. Closing it (SIGTERM) flips readiness, then runs the shutdown sequence:
 * stop taking commands and finish those in flight, stop workers, stop projections and relay,
 * drain NATS, close the database pool.
 */
export async function startService(definition: ServiceDefinition, options: StartOptions = {}): Promise<INestApplication> {
  const config = options.config ?? loadConfig();
  // Before connecting: a module refuses a bad configuration at once.
  const serviceModule = definition.createModule(config);
  const resources = await openProcessResources(config, definition.service);
  let app: INestApplication | undefined;
  try {
    @Module({ imports: [processModule(resources), serviceModule], controllers: [HealthController, MetricsController] })
    class ServiceRootModule {}

    app = await NestFactory.create(ServiceRootModule, { logger: ['error', 'warn', 'log'], abortOnError: false });
    await app.init();
    const server = new CommandServer({
      nc: resources.nc,
      prefix: config.natsPrefix,
      service: definition.service,
      handlers: withTestDelays(app.get<CommandHandlers>(COMMAND_HANDLERS), config.nodeEnv, process.env.PKI_TEST_SLOW_OPERATIONS),
      isUnavailable: optional<(error: unknown) => boolean>(app, UNAVAILABLE_ERRORS),
    });
    resources.shutdown.add('commands', () => server.stop());
    await server.start();
    await app.listen(options.healthPort ?? config.healthPort, config.httpHost);
  } catch (error) {
    if (app) await app.close().catch(() => undefined);
    else await resources.shutdown.run();
    throw error;
  }
  if (options.signalHandlers ?? true) exitGracefullyOnSignals(app, definition.service);
  new Logger(definition.service).log(`ready: health on ${await app.getUrl()}, commands on ${commandWildcard(config.natsPrefix, definition.service)}`);
  return app;
}
