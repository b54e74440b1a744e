import { Inject, Injectable, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import type { NatsConnection } from 'nats';
import type { PlatformConfig } from './config';
import { connectNats, drainNats } from './nats-connection';
import { ServiceClient } from './service-client';
import { ShutdownSequence } from './shutdown-sequence';

/** Token of the process's one NATS connection. */
export const NATS_CONNECTION = Symbol('NATS_CONNECTION');

@Injectable()
class RunShutdownSequence implements OnApplicationShutdown {
  constructor(@Inject(ShutdownSequence) private readonly sequence: ShutdownSequence) {}
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

/** Connects the process's one NATS connection; draining it is a step of the shutdown sequence. */
export async function openProcessResources(config: PlatformConfig, name: string): Promise<ProcessResources> {
  const nc = await connectNats(config.natsServers, `pki-${name}`);
  const shutdown = new ShutdownSequence(name);
  shutdown.add('nats', () => drainNats(nc));
  return { nc, services: new ServiceClient(nc, config.natsPrefix, config.requestTimeoutMs), shutdown };
}

/**
 * A global Nest module handing the process's resources to every other module, and running the
 * shutdown sequence when the app closes (after readiness flipped in beforeApplicationShutdown).
 */
export function processModule(resources: ProcessResources): DynamicModule {
  return {
    module: ProcessModule,
    global: true,
    providers: [
      { provide: NATS_CONNECTION, useValue: resources.nc },
      { provide: ServiceClient, useValue: resources.services },
      { provide: ShutdownSequence, useValue: resources.shutdown },
      RunShutdownSequence,
    ],
    exports: [NATS_CONNECTION, ServiceClient, ShutdownSequence],
  };
}
