import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { eventSourcedServiceModule, type ServiceRuntime, type ServiceWiring } from '@pki/eventstore';
import type { PlatformConfig, ServiceClient } from '@pki/service-kit';
import type { IotContext } from './application/iot-context';
import { iotHandlers } from './application/iot.handlers';
import { pendingEffectsWorker } from './application/pending-effects.worker';
import { platformIssuer } from './application/platform-issuer';
import { IOT_SCHEMA } from './infrastructure/database';
import { iotProjections } from './infrastructure/projections/issuer-events.projection';
import { iotMigrations } from './migrations';
import { iotPublicEvents } from './application/public-events';

export { IOT_SCHEMA };

/** How often the effects of other services' events (revocations, auto-registrations) are applied. */
const EFFECTS_INTERVAL_MS = 200;

/** One context shared by the handlers and the effects worker; the platform's IoT issuing CA is reached over `services`. */
function wire(runtime: ServiceRuntime, services: ServiceClient, config: PlatformConfig): ServiceWiring {
  const context: IotContext = {
    db: runtime.db,
    store: runtime.store,
    region: config.region,
    now: () => new Date(),
    newId: randomUUID,
    newRegistrationCode: () => randomBytes(32).toString('hex'),
  };
  const caArn = process.env.PKI_IOT_ISSUING_CA_ARN?.trim() || undefined;
  const issuer = platformIssuer(caArn, (service, operation, message) => services.request(service, operation, message));
  const logger = new Logger('iot-effects');
  return {
    handlers: iotHandlers(context, issuer),
    workers: [pendingEffectsWorker(context, EFFECTS_INTERVAL_MS, (m, e) => logger.error(m, e instanceof Error ? e.stack : e))],
  };
}

export const iotServiceDefinition = {
  service: 'iot' as const,
  createModule: (config: PlatformConfig) =>
    eventSourcedServiceModule({
      config,
      service: 'iot',
      schema: IOT_SCHEMA,
      migrations: iotMigrations(IOT_SCHEMA),
      publicEvents: iotPublicEvents,
      projections: () => iotProjections(),
      wire: (runtime, services) => wire(runtime, services, config),
    }),
};
