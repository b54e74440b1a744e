import { randomUUID } from 'node:crypto';
import { ACM_PCA_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule, type ServiceRuntime, type ServiceWiring } from '@pki/eventstore';
import { createObjectStorage } from '@pki/object-storage';
import { notImplementedHandlers, type CommandHandlers, type PlatformConfig } from '@pki/service-kit';
import { auditReportHandlers } from './application/audit-report.handlers';
import { auditReportRecoveryWorker } from './application/audit-report.worker';
import type { CaContext } from './application/ca-context';
import { lifecycleHandlers } from './application/lifecycle.handlers';
import { lookupCertificateAuthorityHandlers } from './application/lookup-certificate-authority.handler';
import { policyHandlers } from './application/policy.handlers';
import { caLifecycleWorker } from './application/workers';
import { CA_SCHEMA } from './infrastructure/database';
import { createKeyCustody, validateKeyCustodyConfig } from './keys/create-key-custody';
import { kekRewrapWorker } from './keys/kek-rewrap.worker';
import { signingHandlers } from './keys/signing.handlers';
import { auditProjections } from './infrastructure/projections/audit-records.projection';
import { caMigrations } from './migrations';
import { caPublicEvents } from './application/public-events';

const OWNED_OPERATIONS = Object.entries(ACM_PCA_OPERATIONS)
  .filter(([, service]) => service === 'ca')
  .map(([operation]) => operation);

export function handlersFor(context: CaContext): CommandHandlers {
  return {
    ...notImplementedHandlers(OWNED_OPERATIONS),
    ...lifecycleHandlers(context),
    ...policyHandlers(context),
    ...auditReportHandlers(context, context.objects),
    ...signingHandlers(context),
    ...lookupCertificateAuthorityHandlers(context),
  };
}

/** One context shared by the handlers and the background workers. */
function wire(runtime: ServiceRuntime, config: PlatformConfig, env: NodeJS.ProcessEnv): ServiceWiring {
  const context: CaContext = {
    db: runtime.db,
    store: runtime.store,
    region: config.region,
    publicUrl: config.publicUrl,
    now: () => new Date(),
    newId: randomUUID,
    keys: createKeyCustody(env, runtime.db),
    objects: createObjectStorage(env),
    // The worker is made from this context below; CreateCertificateAuthority kicks it from here.
    csrCreation: { kick: (certificateAuthorityId) => lifecycle.kick(certificateAuthorityId) },
  };
  const lifecycle = caLifecycleWorker(context, env);
  const rewrap = kekRewrapWorker(env, context);
  return { handlers: handlersFor(context), workers: [lifecycle, auditReportRecoveryWorker(context, context.objects), ...(rewrap ? [rewrap] : [])] };
}

export const caServiceDefinition = {
  service: 'ca' as const,
  createModule: (config: PlatformConfig, env: NodeJS.ProcessEnv = process.env) => {
    // A bad key backend setting (PKI_KEY_BACKEND, PKI_KEK, PKCS#11) fails before anything connects.
    validateKeyCustodyConfig(env);
    return eventSourcedServiceModule({
      config,
      service: 'ca',
      schema: CA_SCHEMA,
      migrations: caMigrations(CA_SCHEMA),
      publicEvents: caPublicEvents,
      projections: () => auditProjections(),
      wire: (runtime) => wire(runtime, config, env),
    });
  },
};
