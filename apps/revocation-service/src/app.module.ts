import { Logger } from '@nestjs/common';
import { ACM_PCA_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule, type ServiceRuntime } from '@pki/eventstore';
import { createObjectStorage } from '@pki/object-storage';
import { notImplementedHandlers, type PlatformConfig } from '@pki/service-kit';
import { caServiceSigner } from './application/ca-signer';
import { crlWorker } from './application/crl.worker';
import { ocspCacheInvalidation } from './application/ocsp-cache-invalidation';
import { ocspCaches } from './application/ocsp-response-cache';
import { revocationEnv } from './application/revocation-env';
import { revocationHandlers } from './application/revocation.handlers';
import type { RevocationContext } from './application/revocation-context';
import { REVOCATION_SCHEMA } from './infrastructure/database';
import { issuedCertificateProjection } from './infrastructure/projections/issued-certificate.projection';
import { revocationCaProjection } from './infrastructure/projections/revocation-ca.projection';
import { revocationMigrations } from './migrations';

export { REVOCATION_SCHEMA };

const OWNED_OPERATIONS: readonly string[] = Object.entries(ACM_PCA_OPERATIONS).filter(([, service]) => service === 'revocation').map(([operation]) => operation);

interface Wiring {
  readonly context: RevocationContext;
  readonly crlPollMs: number;
  close(): Promise<void>;
}

/** One context per runtime, shared by the handlers and the CRL worker. */
const wirings = new WeakMap<ServiceRuntime, Wiring>();
function wiringFor(runtime: ServiceRuntime, config: PlatformConfig, env: NodeJS.ProcessEnv): Wiring {
  let wiring = wirings.get(runtime);
  if (!wiring) {
    const settings = revocationEnv(env);
    const ca = caServiceSigner(config.natsUrl, config.natsPrefix, config.requestTimeoutMs);
    wiring = {
      context: {
        db: runtime.db,
        store: runtime.store,
        objects: createObjectStorage(env),
        signer: ca.signer,
        publicUrl: config.publicUrl,
        now: () => new Date(),
        catchUpMs: settings.catchUpMs,
        crlDelayMs: settings.crlDelayMs,
        ocspValiditySeconds: settings.ocspValiditySeconds,
        ocspCaches: ocspCaches(env),
      },
      crlPollMs: settings.crlPollMs,
      close: () => ca.close(),
    };
    wirings.set(runtime, wiring);
  }
  return wiring;
}

export const revocationServiceDefinition = {
  service: 'revocation' as const,
  createModule: (config: PlatformConfig, env: NodeJS.ProcessEnv = process.env) =>
    eventSourcedServiceModule({
      config,
      service: 'revocation',
      schema: REVOCATION_SCHEMA,
      migrations: revocationMigrations(REVOCATION_SCHEMA),
      projections: () => [
        { source: 'ca', projection: revocationCaProjection },
        { source: 'issuance', projection: issuedCertificateProjection },
      ],
      handlers: (runtime) => ({
        ...notImplementedHandlers(OWNED_OPERATIONS),
        ...revocationHandlers(wiringFor(runtime, config, env).context),
      }),
      workers: (runtime) => {
        const wiring = wiringFor(runtime, config, env);
        const logger = new Logger('crl');
        const worker = crlWorker(wiring.context, wiring.crlPollMs, { log: (m) => logger.log(m), error: (m, e) => logger.error(m, e instanceof Error ? e.stack : e) });
        const responses = wiring.context.ocspCaches?.responses;
        // Other replicas' revocations reach this process's OCSP response cache through their events.
        const invalidation = responses ? [ocspCacheInvalidation(runtime.nc, config.natsPrefix, responses, { error: (m, e) => new Logger('ocsp').error(m, e instanceof Error ? e.stack : e) })] : [];
        return [worker, ...invalidation, { start: async () => undefined, stop: () => wiring.close() }];
      },
    }),
};
