import { Inject, Injectable, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { PlatformConfig } from './config';
import { Lifecycle } from './health';
import { connectNats, drainNats } from './nats-connection';
import { ServiceClient } from './service-client';
import { ShutdownSequence } from './shutdown-sequence';
import { startProcessTelemetry } from './telemetry/process-telemetry';

/** Token of the process's one NATS connection. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

/**
 * Nest closes an app in three steps: beforeApplicationShutdown hooks, the HTTP server's close
 * (which waits for keep-alive connections), onApplicationShutdown hooks. Readiness flips and
 * commands stop in the first, so no request waits on HTTP; the rest of the sequence runs last.
 */
@Injectable()
class RunShutdownSequence implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(ShutdownSequence) private readonly sequence: ShutdownSequence,
    private readonly lifecycle: Lifecycle,
  ) {}
  async beforeApplicationShutdown(): Promise<void> {
    this.lifecycle.shuttingDown = true;
    await this.sequence.run('commands');
  }
  async onApplicationShutdown(): Promise<void> {
    await this.sequence.run();
  }
}

@Module({})
class ProcessModule {}

/** What a process shares across its modules: one NATS connection, its ServiceClient, the shutdown order. */
export interface ProcessResources {
  readonly nc: NatsConnection;
  readonly services: ServiceClient;
  readonly shutdown: ShutdownSequence;
}

/**
 * Connects the process's one NATS connection; draining it is a step of the shutdown sequence.
 * First it installs the JSON logger and, when configured, starts tracing (telemetry/).
 */
export async function openProcessResources(config: PlatformConfig, name: string): Promise<ProcessResources> {
  const tracing = await startProcessTelemetry(name);
  const nc = await connectNats(config.natsServers, `pki-${name}`);
  const shutdown = new ShutdownSequence(name);
  shutdown.add('nats', () => drainNats(nc));
  // Last: the spans of the requests finished during the drain are exported too.
  if (tracing) shutdown.add('database', () => tracing.shutdown());
  return { nc, services: new ServiceClient(nc, config.natsPrefix, config.requestTimeoutMs), shutdown };
}

/**
 * A global Nest module handing the process's resources (and the readiness Lifecycle) to every
 * other module, and running the shutdown sequence when the app closes.
 */
export function processModule(resources: ProcessResources): DynamicModule {
  return {
    module: ProcessModule,
    global: true,
    providers: [
      { provide: NATS_CONNECTION, useValue: resources.nc },
      { provide: ServiceClient, useValue: resources.services },
      { provide: ShutdownSequence, useValue: resources.shutdown },
      Lifecycle,
      RunShutdownSequence,
    ],
    exports: [NATS_CONNECTION, ServiceClient, ShutdownSequence, Lifecycle],
  };
}
