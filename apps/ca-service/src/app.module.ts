import { randomUUID } from 'node:crypto';
import { ACM_PCA_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule, type ServiceRuntime } from '@pki/eventstore';
import { createObjectStorage } from '@pki/object-storage';
import { notImplementedHandlers, type CommandHandlers, type PlatformConfig } from '@pki/service-kit';
import { auditReportHandlers } from './application/audit-report.handlers';
import { auditReportRecoveryWorker } from './application/audit-report.worker';
import type { CaContext } from './application/ca-context';
import { lifecycleHandlers } from './application/lifecycle.handlers';
import { policyHandlers } from './application/policy.handlers';
import { caWorkers } from './application/workers';
import { CA_SCHEMA } from './infrastructure/database';
import { createKeyCustody, validateKeyCustodyConfig } from './keys/create-key-custody';
import { signingHandlers } from './keys/signing.handlers';
import { auditProjections } from './infrastructure/projections/audit-records.projection';
import { caMigrations } from './migrations';

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
  };
}

/** One context per runtime, shared by the handlers and the background workers. */
const contexts = new WeakMap<ServiceRuntime, CaContext>();
function contextFor(runtime: ServiceRuntime, config: PlatformConfig, env: NodeJS.ProcessEnv): CaContext {
  let context = contexts.get(runtime);
  if (!context) {
    context = {
      db: runtime.db,
      store: runtime.store,
      region: config.region,
      publicUrl: config.publicUrl,
      now: () => new Date(),
      newId: randomUUID,
      keys: createKeyCustody(env, runtime.db),
      objects: createObjectStorage(env),
    };
    contexts.set(runtime, context);
  }
  return context;
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
      handlers: (runtime) => handlersFor(contextFor(runtime, config, env)),
      projections: () => auditProjections(),
      workers: (runtime) => {
        const context = contextFor(runtime, config, env);
        return [...caWorkers(context), auditReportRecoveryWorker(context, context.objects)];
      },
    });
  },
};
