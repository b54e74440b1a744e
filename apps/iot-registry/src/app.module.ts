import { IOT_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule } from '@pki/eventstore';
import { notImplementedHandlers, type PlatformConfig } from '@pki/service-kit';
import { iotMigrations } from './migrations';

export const IOT_SCHEMA = 'iot';

const OWNED_OPERATIONS: readonly string[] = IOT_OPERATIONS;

export const iotServiceDefinition = {
  service: 'iot' as const,
  createModule: (config: PlatformConfig) =>
    eventSourcedServiceModule({
      config,
      service: 'iot',
      schema: IOT_SCHEMA,
      migrations: iotMigrations(IOT_SCHEMA),
      // The operations arrive with this service's issue; until then each answers NotImplementedException.
      handlers: () => notImplementedHandlers(OWNED_OPERATIONS),
    }),
};
