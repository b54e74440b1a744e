import { randomBytes, randomUUID } from 'node:crypto';
import { ACM_PCA_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule, type ServiceRuntime } from '@pki/eventstore';
import { notImplementedHandlers, type PlatformConfig } from '@pki/service-kit';
import { caServiceSigner } from './application/ca-signer';
import type { IssuanceContext } from './application/issuance-context';
import { issuanceHandlers } from './application/issuance.handlers';
import { issuanceRecoveryWorker, recoveryAfterMs } from './application/issuance-recovery.worker';
import { serialFromRandom } from './domain/certificate-request';
import { ISSUANCE_SCHEMA } from './infrastructure/database';
import { caPolicyProjection } from './infrastructure/projections/ca-policy.projection';
import { issuingCaProjection } from './infrastructure/projections/issuing-ca.projection';
import { issuanceMigrations } from './migrations';

const OWNED_OPERATIONS = Object.entries(ACM_PCA_OPERATIONS)
  .filter(([, service]) => service === 'issuance')
  .map(([operation]) => operation);

/** How long a request waits for ca-service's latest CA events (PKI_ISSUANCE_CA_CATCH_UP_MS, default 2000). */
function caCatchUpMs(env: NodeJS.ProcessEnv): number {
  const raw = env.PKI_ISSUANCE_CA_CATCH_UP_MS;
  if (raw === undefined || raw === '') return 2000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`PKI_ISSUANCE_CA_CATCH_UP_MS must be a non-negative integer, not "${raw}"`);
  return value;
}

interface Wiring {
  readonly context: IssuanceContext;
  close(): Promise<void>;
}

/** One context per runtime, shared by the handlers and the worker that closes the signer's connection. */
const wirings = new WeakMap<ServiceRuntime, Wiring>();
function wiringFor(runtime: ServiceRuntime, config: PlatformConfig, env: NodeJS.ProcessEnv): Wiring {
  let wiring = wirings.get(runtime);
  if (!wiring) {
    const ca = caServiceSigner(config.natsUrl, config.natsPrefix, config.requestTimeoutMs);
    wiring = {
      context: {
        db: runtime.db,
        store: runtime.store,
        publicUrl: config.publicUrl,
        now: () => new Date(),
        newId: randomUUID,
        newSerial: () => serialFromRandom(randomBytes(16)),
        signer: ca.signer,
        caCatchUpMs: caCatchUpMs(env),
      },
      close: () => ca.close(),
    };
    wirings.set(runtime, wiring);
  }
  return wiring;
}

export const issuanceServiceDefinition = {
  service: 'issuance' as const,
  createModule: (config: PlatformConfig, env: NodeJS.ProcessEnv = process.env) =>
    eventSourcedServiceModule({
      config,
      service: 'issuance',
      schema: ISSUANCE_SCHEMA,
      migrations: issuanceMigrations(ISSUANCE_SCHEMA),
      projections: () => [
        { source: 'ca', projection: issuingCaProjection },
        { source: 'ca', projection: caPolicyProjection },
      ],
      handlers: (runtime) => ({
        ...notImplementedHandlers(OWNED_OPERATIONS),
        ...issuanceHandlers(wiringFor(runtime, config, env).context),
      }),
      workers: (runtime) => [
        issuanceRecoveryWorker(wiringFor(runtime, config, env).context, { staleAfterMs: recoveryAfterMs(env, config.requestTimeoutMs) }),
        { start: async () => undefined, stop: () => wiringFor(runtime, config, env).close() },
      ],
    }),
};
