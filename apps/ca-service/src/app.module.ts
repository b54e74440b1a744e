import { randomUUID } from 'node:crypto';
import { ACM_PCA_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule } from '@pki/eventstore';
import { notImplementedHandlers, type CommandHandlers, type PlatformConfig } from '@pki/service-kit';
import type { CaContext } from './application/ca-context';
import { createCertificateAuthorityHandler } from './application/create-certificate-authority.handler';
import { describeCertificateAuthorityHandler } from './application/describe-certificate-authority.handler';
import { listCertificateAuthoritiesHandler } from './application/list-certificate-authorities.handler';
import { CA_SCHEMA } from './infrastructure/database';
import { caMigrations } from './migrations';

const OWNED_OPERATIONS = Object.entries(ACM_PCA_OPERATIONS)
  .filter(([, service]) => service === 'ca')
  .map(([operation]) => operation);

export function handlersFor(context: CaContext): CommandHandlers {
  return {
    ...notImplementedHandlers(OWNED_OPERATIONS),
    CreateCertificateAuthority: createCertificateAuthorityHandler(context),
    DescribeCertificateAuthority: describeCertificateAuthorityHandler(context),
    ListCertificateAuthorities: listCertificateAuthoritiesHandler(context),
  };
}

export const caServiceDefinition = {
  service: 'ca' as const,
  createModule: (config: PlatformConfig) =>
    eventSourcedServiceModule({
      config,
      service: 'ca',
      schema: CA_SCHEMA,
      migrations: caMigrations(CA_SCHEMA),
      handlers: (runtime) => handlersFor({ db: runtime.db, store: runtime.store, region: config.region, now: () => new Date(), newId: randomUUID }),
    }),
};
