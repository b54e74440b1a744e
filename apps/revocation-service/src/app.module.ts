import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ACM_PCA_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule, type ServiceRuntime, type ServiceWiring } from '@pki/eventstore';
import { createObjectStorage } from '@pki/object-storage';
import { caSignerClient, currentRequest, notImplementedHandlers, TtlCache, type PlatformConfig, type ServiceClient } from '@pki/service-kit';
import { crlWorker } from './application/crl.worker';
import { CA_LOOKUP_MAX_ENTRIES, CA_LOOKUP_TTL_MS } from './application/ocsp.handler';
import { ocspAnnouncer } from './application/ocsp-responders';
import { revocationEnv } from './application/revocation-env';
import { revocationHandlers } from './application/revocation.handlers';
import type { RevocationContext } from './application/revocation-context';
import { collectCrlMetrics } from './application/revocation-metrics';
import { REVOCATION_SCHEMA } from './infrastructure/database';
import { issuanceClient } from './infrastructure/issuance.client';
import { issuedCertificateProjection } from './infrastructure/projections/issued-certificate.projection';
import { revocationCaProjection } from './infrastructure/projections/revocation-ca.projection';
import { revocationMigrations } from './migrations';
import { revocationPublicEvents } from './application/public-events';

export { REVOCATION_SCHEMA };

const OWNED_OPERATIONS: readonly string[] = Object.entries(ACM_PCA_OPERATIONS).filter(([, service]) => service === 'revocation').map(([operation]) => operation);

/** One context shared by the handlers and the CRL worker. */
function wire(runtime: ServiceRuntime, services: ServiceClient, config: PlatformConfig, env: NodeJS.ProcessEnv): ServiceWiring {
  const settings = revocationEnv(env);
  const ca = caSignerClient(services);
  const context: RevocationContext = {
    db: runtime.db,
    store: runtime.store,
    objects: createObjectStorage(env),
    // ca-service's SignData / SignDigest and LookupCertificateAuthority on the process's connection.
    signer: ca,
    publicUrl: config.publicUrl,
    region: config.region,
    now: () => new Date(),
    issuance: issuanceClient(services),
    caCatchUp: runtime.catchUp(revocationCaProjection.name),
    caExists: (caId, caller) => ca.certificateAuthorityExists(caId, { caller, requestId: currentRequest()?.requestId ?? randomUUID() }),
    catchUpMs: settings.catchUpMs,
    crlDelayMs: settings.crlDelayMs,
    ocspValiditySeconds: settings.ocspValiditySeconds,
    caLookups: new TtlCache(CA_LOOKUP_TTL_MS, CA_LOOKUP_MAX_ENTRIES),
    ocspAnnouncer: ocspAnnouncer(runtime.nc, config.natsPrefix, runtime.db, { warn: (m) => new Logger('ocsp').warn(m) }),
  };
  const logger = new Logger('crl');
  const worker = crlWorker(context, settings.crlPollMs, { log: (m) => logger.log(m), error: (m, e) => logger.error(m, e instanceof Error ? e.stack : e) });
  const stopCrlMetrics = collectCrlMetrics(runtime.db);
  return { handlers: { ...notImplementedHandlers(OWNED_OPERATIONS), ...revocationHandlers(context) }, workers: [worker], close: async () => stopCrlMetrics() };
}

export const revocationServiceDefinition = {
  service: 'revocation' as const,
  createModule: (config: PlatformConfig, env: NodeJS.ProcessEnv = process.env) =>
    eventSourcedServiceModule({
      config,
      service: 'revocation',
      schema: REVOCATION_SCHEMA,
      migrations: revocationMigrations(REVOCATION_SCHEMA),
      publicEvents: revocationPublicEvents,
      projections: () => [
        { source: 'ca', projection: revocationCaProjection },
        { source: 'issuance', projection: issuedCertificateProjection },
      ],
      wire: (runtime, services) => wire(runtime, services, config, env),
    }),
};
