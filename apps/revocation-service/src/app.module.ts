import { ACM_PCA_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule } from '@pki/eventstore';
import { notImplementedHandlers, type PlatformConfig } from '@pki/service-kit';
import { revocationMigrations } from './migrations';

export const REVOCATION_SCHEMA = 'revocation';

const OWNED_OPERATIONS: readonly string[] = Object.entries(ACM_PCA_OPERATIONS).filter(([, service]) => service === 'revocation').map(([operation]) => operation);

export const revocationServiceDefinition = {
  service: 'revocation' as const,
  createModule: (config: PlatformConfig) =>
    eventSourcedServiceModule({
      config,
      service: 'revocation',
      schema: REVOCATION_SCHEMA,
      migrations: revocationMigrations(REVOCATION_SCHEMA),
      // The operations arrive with this service's issue; until then each answers NotImplementedException.
      handlers: () => notImplementedHandlers(OWNED_OPERATIONS),
    }),
};
