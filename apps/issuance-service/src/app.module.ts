import { ACM_PCA_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule } from '@pki/eventstore';
import { notImplementedHandlers, type PlatformConfig } from '@pki/service-kit';
import { ISSUANCE_SCHEMA } from './infrastructure/database';
import { issuingCaProjection } from './infrastructure/projections/issuing-ca.projection';
import { issuanceMigrations } from './migrations';

const OWNED_OPERATIONS = Object.entries(ACM_PCA_OPERATIONS)
  .filter(([, service]) => service === 'issuance')
  .map(([operation]) => operation);

export const issuanceServiceDefinition = {
  service: 'issuance' as const,
  createModule: (config: PlatformConfig) =>
    eventSourcedServiceModule({
      config,
      service: 'issuance',
      schema: ISSUANCE_SCHEMA,
      migrations: issuanceMigrations(ISSUANCE_SCHEMA),
      projections: () => [{ source: 'ca', projection: issuingCaProjection }],
      // IssueCertificate and GetCertificate arrive with the issuance issue.
      handlers: () => notImplementedHandlers(OWNED_OPERATIONS),
    }),
};
