import { DIRECTORY_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule } from '@pki/eventstore';
import { notImplementedHandlers, type PlatformConfig } from '@pki/service-kit';
import { directoryMigrations } from './migrations';

export const DIRECTORY_SCHEMA = 'directory';

const OWNED_OPERATIONS: readonly string[] = DIRECTORY_OPERATIONS;

export const directoryServiceDefinition = {
  service: 'directory' as const,
  createModule: (config: PlatformConfig) =>
    eventSourcedServiceModule({
      config,
      service: 'directory',
      schema: DIRECTORY_SCHEMA,
      migrations: directoryMigrations(DIRECTORY_SCHEMA),
      // The operations arrive with this service's issue; until then each answers NotImplementedException.
      handlers: () => notImplementedHandlers(OWNED_OPERATIONS),
    }),
};
