import { Logger } from '@nestjs/common';
import type { PlatformConfig, ProcessResources } from '@pki/service-kit';
import { OcspResponder } from './ocsp-responder';
import { ocspCacheEntriesFromEnv, PresignedResponses } from './presigned-responses';
import { ResponderLease } from './responder-lease';

/**
 * The gateway process's OCSP responder: pre-signed responses (PKI_OCSP_CACHE_ENTRIES, 0 = none:
 * every request forwarded) kept fresh by its lease, which stops with the workers, once HTTP has
 * drained.
 */
export async function startOcspResponder(resources: ProcessResources, config: PlatformConfig, env: NodeJS.ProcessEnv): Promise<OcspResponder> {
  const entries = ocspCacheEntriesFromEnv(env);
  if (entries === 0) return new OcspResponder(resources.services);
  const responses = new PresignedResponses(entries);
  const logger = new Logger('ocsp');
  const lease = new ResponderLease(resources.nc, config.natsPrefix, resources.services, responses, { warn: (m) => logger.warn(m) });
  await lease.start();
  resources.shutdown.add('workers', () => lease.stop());
  return new OcspResponder(resources.services, responses, lease);
}
