import { Logger, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { ServiceName } from '@pki/contracts';
import { COMMAND_HANDLERS, READINESS_CHECKS, type CommandHandlers, type PlatformConfig } from '@pki/service-kit';
import type { Migration } from 'kysely';
import type { Projection } from './projection/projection';
import { ServiceRuntime } from './service-runtime';

export interface ServiceModuleOptions {
  readonly config: PlatformConfig;
  readonly service: ServiceName;
  readonly schema: string;
  readonly migrations: Record<string, Migration>;
  readonly projections?: (runtimeDb: import('kysely').Kysely<any>) => ReadonlyArray<{ readonly source: ServiceName; readonly projection: Projection }>;
  readonly handlers: (runtime: ServiceRuntime) => CommandHandlers;
  /** Background work (schedulers, pollers) started after the runtime, stopped before it. */
  readonly workers?: (runtime: ServiceRuntime) => readonly BackgroundWorker[];
}

export interface BackgroundWorker {
  start(): Promise<void>;
  stop(): Promise<void>;
}

class RuntimeLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly runtime: ServiceRuntime,
    private readonly workers: readonly BackgroundWorker[],
  ) {}
  async onApplicationShutdown(): Promise<void> {
    for (const worker of this.workers) await worker.stop();
    await this.runtime.stop();
  }
}

@Module({})
class EventSourcedServiceModule {}

/**
 * The Nest module of an event-sourced service: starts its runtime (database, migrations,
 * relay, projections), exposes its command handlers and readiness checks, and stops the
 * runtime last on shutdown (after the command server has finished its in-flight requests).
 */
export function eventSourcedServiceModule(options: ServiceModuleOptions): DynamicModule {
  const logger = new Logger(options.service);
  return {
    module: EventSourcedServiceModule,
    providers: [
      {
        provide: ServiceRuntime,
        useFactory: () =>
          ServiceRuntime.start({
            databaseUrl: options.config.databaseUrl,
            natsUrl: options.config.natsUrl,
            prefix: options.config.natsPrefix,
            service: options.service,
            schema: options.schema,
            migrations: options.migrations,
            projections: options.projections,
            logger: { log: (m) => logger.log(m), error: (m, e) => logger.error(m, e instanceof Error ? e.stack : e) },
          }),
      },
      {
        provide: RuntimeLifecycle,
        useFactory: async (runtime: ServiceRuntime) => {
          const workers = options.workers?.(runtime) ?? [];
          for (const worker of workers) await worker.start();
          return new RuntimeLifecycle(runtime, workers);
        },
        inject: [ServiceRuntime],
      },
      { provide: COMMAND_HANDLERS, useFactory: (runtime: ServiceRuntime) => options.handlers(runtime), inject: [ServiceRuntime] },
      { provide: READINESS_CHECKS, useFactory: (runtime: ServiceRuntime) => runtime.readinessChecks(), inject: [ServiceRuntime] },
    ],
    exports: [COMMAND_HANDLERS, READINESS_CHECKS, ServiceRuntime],
  };
}
