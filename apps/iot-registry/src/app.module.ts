import { randomBytes, randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { eventSourcedServiceModule, type ServiceRuntime, type ServiceWiring } from '@pki/eventstore';
import { ConfigError, type PlatformConfig, type ServiceClient } from '@pki/service-kit';
import { DEFAULT_ENDPOINT_DOMAIN, isEndpointDomain } from './domain/endpoint';
import type { IotContext } from './application/iot-context';
import { iotHandlers } from './application/iot.handlers';
import { pendingEffectsWorker } from './application/pending-effects.worker';
import { platformCa } from './application/platform-ca';
import { platformIssuer, type ServiceRequest } from './application/platform-issuer';
import { IOT_SCHEMA } from './infrastructure/database';
import { iotProjections } from './infrastructure/projections/issuer-events.projection';
import { iotMigrations } from './migrations';
import { iotPublicEvents } from './application/public-events';

export { IOT_SCHEMA };

/** How often the effects of other services' events (revocations, auto-registrations) are applied. */
const EFFECTS_INTERVAL_MS = 200;

/**
 * The account that owns the platform IoT CAs in ca-service (PKI_PLATFORM_ACCOUNT_ID): no access
 * key may belong to it, so no customer can see, use or change those CAs through the API.
 */
export const DEFAULT_PLATFORM_ACCOUNT_ID = '000000000001';

/** PKI_PLATFORM_ACCOUNT_ID and PKI_IOT_ENDPOINT_DOMAIN, checked at start (a bad value stops the service, saying which). */
export function iotSettings(env: NodeJS.ProcessEnv, config: Pick<PlatformConfig, 'accessKeys'>): { platformAccountId: string; endpointDomain: string } {
  const platformAccountId = env.PKI_PLATFORM_ACCOUNT_ID?.trim() || DEFAULT_PLATFORM_ACCOUNT_ID;
  if (!/^\d{12}$/.test(platformAccountId)) throw new ConfigError(`PKI_PLATFORM_ACCOUNT_ID must be 12 digits, got ${JSON.stringify(platformAccountId)}`);
  const customer = config.accessKeys.find((key) => key.accountId === platformAccountId);
  if (customer) throw new ConfigError(`PKI_ACCESS_KEYS gives access key ${customer.accessKeyId} the platform account ${platformAccountId} (PKI_PLATFORM_ACCOUNT_ID), which owns the platform IoT CAs; choose another account for one of them`);
  const endpointDomain = env.PKI_IOT_ENDPOINT_DOMAIN?.trim().toLowerCase() || DEFAULT_ENDPOINT_DOMAIN;
  if (!isEndpointDomain(endpointDomain)) throw new ConfigError(`PKI_IOT_ENDPOINT_DOMAIN must be a DNS name such as example.com, got ${JSON.stringify(endpointDomain)}`);
  return { platformAccountId, endpointDomain };
}

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
  const settings = iotSettings(process.env, config);
  const caArn = process.env.PKI_IOT_ISSUING_CA_ARN?.trim() || undefined;
  const request: ServiceRequest = (service, operation, message) => services.request(service, operation, message);
  const platformLogger = new Logger('iot-platform-ca');
  // A request waits for provisioning in progress until shortly before the gateway would give up on it.
  const platform = platformCa(context, request, { accountId: settings.platformAccountId, waitMs: Math.max(1000, config.requestTimeoutMs - 2000), log: (m) => platformLogger.log(m) });
  const issuer = platformIssuer(caArn, request, platform);
  const logger = new Logger('iot-effects');
  return {
    handlers: iotHandlers(context, issuer, settings.endpointDomain),
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
