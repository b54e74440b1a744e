import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { ACM_PCA_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule } from '@pki/eventstore';
import { caSignerClient, currentRequest, notImplementedHandlers, type PlatformConfig } from '@pki/service-kit';
import { caEventAnnouncements } from './application/ca-event-announcements';
import type { IssuanceContext } from './application/issuance-context';
import { IssuingCaViews } from './application/issuing-ca-views';
import { RecentlyIssued } from './application/recently-issued';
import { issuanceHandlers } from './application/issuance.handlers';
import { issuanceRecoveryWorker, recoveryAfterMs, recoveryIntervalMs } from './application/issuance-recovery.worker';
import { serialFromRandom } from './domain/certificate-request';
import { ISSUANCE_SCHEMA } from './infrastructure/database';
import { caPolicyProjection } from './infrastructure/projections/ca-policy.projection';
import { issuingCaProjection } from './infrastructure/projections/issuing-ca.projection';
import { issuanceMigrations } from './migrations';
import { issuancePublicEvents } from './application/public-events';
import { keyUsageProfileFrom } from './domain/key-usage';
import { CrlPartitions, crlPartitionSizeFrom } from './application/crl-partitions';

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

/**
 * How long a CA read from the table is used at most, even when no event said it changed
 * (PKI_ISSUANCE_CA_VIEW_MAX_AGE_MS, default 1000; 0 reads the table on every request).
 */
function caViewMaxAgeMs(env: NodeJS.ProcessEnv): number {
  const raw = env.PKI_ISSUANCE_CA_VIEW_MAX_AGE_MS;
  if (raw === undefined || raw === '') return 1000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`PKI_ISSUANCE_CA_VIEW_MAX_AGE_MS must be a non-negative integer, not "${raw}"`);
  return value;
}

export const issuanceServiceDefinition = {
  service: 'issuance' as const,
  createModule: (config: PlatformConfig, env: NodeJS.ProcessEnv = process.env) =>
    eventSourcedServiceModule({
      config,
      service: 'issuance',
      schema: ISSUANCE_SCHEMA,
      migrations: issuanceMigrations(ISSUANCE_SCHEMA),
      publicEvents: issuancePublicEvents,
      projections: () => [
        { source: 'ca', projection: issuingCaProjection },
        { source: 'ca', projection: caPolicyProjection },
      ],
      wire: (runtime, services) => {
        // ca-service's SignData (the real Signer) and LookupCertificateAuthority, on the process's connection.
        const ca = caSignerClient(services);
        // The CAs requests read, remembered while ca-service's events say they did not change.
        const caViews = new IssuingCaViews({ maxAgeMs: caViewMaxAgeMs(env) });
        const context: IssuanceContext = {
          db: runtime.db,
          store: runtime.store,
          publicUrl: config.publicUrl,
          region: config.region,
          keyUsageProfile: keyUsageProfileFrom(env.PKI_KEY_USAGE_PROFILE),
          crlPartitions: new CrlPartitions(runtime.db, crlPartitionSizeFrom(env.PKI_CRL_PARTITION_SIZE)),
          now: () => new Date(),
          newId: randomUUID,
          newSerial: () => serialFromRandom(randomBytes(16)),
          signer: (input, on) => ca.signData(input, on),
          caCatchUpMs: caCatchUpMs(env),
          caCatchUp: runtime.catchUp(issuingCaProjection.name),
          caExists: (caId, caller) => ca.certificateAuthorityExists(caId, { caller, requestId: currentRequest()?.requestId ?? randomUUID() }),
          caStatus: (caId, caller) => ca.certificateAuthorityStatus(caId, { caller, requestId: currentRequest()?.requestId ?? randomUUID() }),
          caViews,
          recentlyIssued: new RecentlyIssued(),
        };
        const announcements = caEventAnnouncements(runtime.nc, config.natsPrefix, caViews, { error: (m, e) => new Logger('issuing-cas').error(m, e instanceof Error ? e.stack : e) });
        return {
          handlers: { ...notImplementedHandlers(OWNED_OPERATIONS), ...issuanceHandlers(context) },
          workers: [announcements, issuanceRecoveryWorker(context, { staleAfterMs: recoveryAfterMs(env, config.requestTimeoutMs), intervalMs: recoveryIntervalMs(env) })],
        };
      },
    }),
};
