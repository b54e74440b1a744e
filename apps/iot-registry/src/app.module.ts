import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { eventSourcedServiceModule, type ServiceRuntime } from '@pki/eventstore';
import type { PlatformConfig } from '@pki/service-kit';
import type { IotContext } from './application/iot-context';
import { iotHandlers } from './application/iot.handlers';
import { pendingEffectsWorker } from './application/pending-effects.worker';
import { natsServiceRequest, platformIssuer, type PlatformIssuer } from './application/platform-issuer';
import { IOT_SCHEMA } from './infrastructure/database';
import { iotProjections } from './infrastructure/projections/issuer-events.projection';
import { iotMigrations } from './migrations';

export { IOT_SCHEMA };

/** The connection to ca-service and issuance-service (for the platform's IoT issuing CA), one per runtime. */
const issuers = new WeakMap<ServiceRuntime, { issuer: PlatformIssuer; close(): Promise<void> }>();
function issuerFor(runtime: ServiceRuntime, config: PlatformConfig): { issuer: PlatformIssuer; close(): Promise<void> } {
  let wiring = issuers.get(runtime);
  if (!wiring) {
    const services = natsServiceRequest(config.natsUrl, config.natsPrefix, config.requestTimeoutMs);
    const caArn = process.env.PKI_IOT_ISSUING_CA_ARN?.trim() || undefined;
    wiring = { issuer: platformIssuer(caArn, services.request), close: () => services.close() };
    issuers.set(runtime, wiring);
  }
  return wiring;
}

const contexts = new WeakMap<ServiceRuntime, IotContext>();
function contextFor(runtime: ServiceRuntime, config: PlatformConfig): IotContext {
  let context = contexts.get(runtime);
  if (!context) {
    context = {
      db: runtime.db,
      store: runtime.store,
      region: config.region,
      now: () => new Date(),
      newId: randomUUID,
      newRegistrationCode: () => randomBytes(32).toString('hex'),
    };
    contexts.set(runtime, context);
  }
  return context;
}

/** How often the effects of other services' events (revocations, auto-registrations) are applied. */
const EFFECTS_INTERVAL_MS = 200;

export const iotServiceDefinition = {
  service: 'iot' as const,
  createModule: (config: PlatformConfig) =>
    eventSourcedServiceModule({
      config,
      service: 'iot',
      schema: IOT_SCHEMA,
      migrations: iotMigrations(IOT_SCHEMA),
      handlers: (runtime) => iotHandlers(contextFor(runtime, config), issuerFor(runtime, config).issuer),
      projections: () => iotProjections(),
      workers: (runtime) => {
        const logger = new Logger('iot-effects');
        return [
          pendingEffectsWorker(contextFor(runtime, config), EFFECTS_INTERVAL_MS, (m, e) => logger.error(m, e instanceof Error ? e.stack : e)),
          { start: async () => undefined, stop: () => issuerFor(runtime, config).close() },
        ];
      },
    }),
};
