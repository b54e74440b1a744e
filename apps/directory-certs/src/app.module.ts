import { randomBytes } from 'node:crypto';
import { DIRECTORY_OPERATIONS } from '@pki/contracts';
import { eventSourcedServiceModule } from '@pki/eventstore';
import { notImplementedHandlers, type CommandHandlers, type PlatformConfig } from '@pki/service-kit';
import { certificateHandlers } from './application/certificate.handlers';
import type { DirectoryContext } from './application/directory-context';
import { directoryExtrasHandlers } from './application/directory-extras.handlers';
import { directoryHandlers } from './application/directory.handlers';
import { DirectoryWorker, directoryWorkerOptions } from './application/directory.worker';
import { settingsHandlers } from './application/settings.handlers';
import { DIRECTORY_SCHEMA } from './infrastructure/database';
import { directoryProjections } from './infrastructure/projections/certificate-revocations.projection';
import { directoryMigrations } from './migrations';
import { directoryPublicEvents } from './application/public-events';

export { DIRECTORY_SCHEMA };

/** `d-` / `c-` and 10 lowercase hex digits (AWS's DirectoryId and CertificateId patterns). */
const awsId = (prefix: 'd' | 'c') => () => `${prefix}-${randomBytes(5).toString('hex')}`;

export function handlersFor(context: DirectoryContext): CommandHandlers {
  return {
    // Every owned operation is implemented below; this keeps an unknown one an explicit error.
    ...notImplementedHandlers(DIRECTORY_OPERATIONS),
    ...directoryHandlers(context),
    ...certificateHandlers(context),
    ...settingsHandlers(context),
    ...directoryExtrasHandlers(context),
  };
}


export const directoryServiceDefinition = {
  service: 'directory' as const,
  createModule: (config: PlatformConfig, env: NodeJS.ProcessEnv = process.env) =>
    eventSourcedServiceModule({
      config,
      service: 'directory',
      schema: DIRECTORY_SCHEMA,
      migrations: directoryMigrations(DIRECTORY_SCHEMA),
      publicEvents: directoryPublicEvents,
      projections: () => directoryProjections(),
      wire: (runtime) => {
        const context: DirectoryContext = { db: runtime.db, store: runtime.store, region: config.region, now: () => new Date(), newDirectoryId: awsId('d'), newCertificateId: awsId('c') };
        return { handlers: handlersFor(context), workers: [new DirectoryWorker(context, directoryWorkerOptions(env))] };
      },
    }),
};
