import { Logger, Module, type DynamicModule } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { PublicEventTranslator, ServiceName } from '@pki/contracts';
import {
  COMMAND_HANDLERS,
  NATS_CONNECTION,
  READINESS_CHECKS,
  ServiceClient,
  ShutdownSequence,
  type BackgroundWorker,
  type CommandHandlers,
  type PlatformConfig,
  UNAVAILABLE_ERRORS,
} from '@pki/service-kit';
import type { Kysely, Migration } from 'kysely';
import type { Projection } from './projection/projection';
import { ServiceRuntime } from './service-runtime';
import { isConnectionError } from './util/pg-errors';

/** What a service builds on its runtime: its command handlers, its background workers, and what to release last. */
export interface ServiceWiring {
  readonly handlers: CommandHandlers;
  /** Background work (schedulers, pollers) started after the runtime, stopped before it. */
  readonly workers?: readonly BackgroundWorker[];
  /** Releases what the wiring holds, after its workers stopped. */
  close?(): Promise<void>;
}

export interface ServiceModuleOptions {
  readonly config: PlatformConfig;
  readonly service: ServiceName;
  readonly schema: string;
  readonly migrations: Record<string, Migration>;
  readonly projections?: (runtimeDb: Kysely<any>) => ReadonlyArray<{ readonly source: ServiceName; readonly projection: Projection }>;
  /** The service's translation of its own events into the public feed (libs/contracts public-events.ts), if it has public events. */
  readonly publicEvents?: PublicEventTranslator;
  /**
   * Called once per runtime: the service's handlers and workers, sharing whatever context they
   * build. `services` is the process's request/reply client (on its one NATS connection).
   */
  readonly wire: (runtime: ServiceRuntime, services: ServiceClient) => ServiceWiring;
}

const SERVICE_WIRING = Symbol('SERVICE_WIRING');

@Module({})
class EventSourcedServiceModule {}

/**
 * The Nest module of an event-sourced service: starts its runtime (database, migrations,
 * relay, projections) on the process's NATS connection, wires its handlers and workers, and
 * registers their stops in the process's shutdown sequence (workers, then projections and
 * relay, then -- after NATS drained -- the database pool).
 */
export function eventSourcedServiceModule(options: ServiceModuleOptions): DynamicModule {
  const logger = new Logger(options.service);
  return {
    module: EventSourcedServiceModule,
    providers: [
      {
        provide: ServiceRuntime,
        useFactory: async (nc: NatsConnection, shutdown: ShutdownSequence) => {
          const runtime = await ServiceRuntime.start({
            databaseUrl: options.config.databaseUrl,
            poolSize: options.config.databasePoolSize,
            nc,
            prefix: options.config.natsPrefix,
            service: options.service,
            schema: options.schema,
            migrations: options.migrations,
            projections: options.projections,
            publicFeed: options.publicEvents && options.config.publicEvents.enabled ? {
              translate: options.publicEvents,
              context: { region: options.config.region },
              stream: { name: options.config.publicEvents.stream, maxAgeMs: options.config.publicEvents.maxAgeMs },
            } : undefined,
            logger: { log: (m) => logger.log(m), error: (m, e) => logger.error(m, e instanceof Error ? e.stack : e) },
          });
          shutdown.add('background', () => runtime.stopBackground());
          shutdown.add('database', () => runtime.closeDatabase());
          return runtime;
        },
        inject: [NATS_CONNECTION, ShutdownSequence],
      },
      {
        provide: SERVICE_WIRING,
        useFactory: async (runtime: ServiceRuntime, services: ServiceClient, shutdown: ShutdownSequence) => {
          const wiring = options.wire(runtime, services);
          const workers = wiring.workers ?? [];
          shutdown.add('workers', async () => {
            for (const worker of workers) await worker.stop();
            await wiring.close?.();
          });
          for (const worker of workers) await worker.start();
          return wiring;
        },
        inject: [ServiceRuntime, ServiceClient, ShutdownSequence],
      },
      { provide: COMMAND_HANDLERS, useFactory: (wiring: ServiceWiring) => wiring.handlers, inject: [SERVICE_WIRING] },
      { provide: READINESS_CHECKS, useFactory: (runtime: ServiceRuntime) => runtime.readinessChecks(), inject: [ServiceRuntime] },
      // A request that fails because Postgres is unreachable answers ServiceUnavailable (retryable).
      { provide: UNAVAILABLE_ERRORS, useValue: isConnectionError },
    ],
    exports: [COMMAND_HANDLERS, READINESS_CHECKS, UNAVAILABLE_ERRORS, ServiceRuntime],
  };
}
