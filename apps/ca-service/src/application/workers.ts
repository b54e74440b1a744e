import type { BackgroundWorker } from '@pki/service-kit';
import type { CaContext } from './ca-context';
import { CaLifecycleWorker, DEFAULT_LIFECYCLE_WORKER_OPTIONS } from './ca-lifecycle.worker';

/** ca-service's CA lifecycle worker (key pair + CSR creation, expiry, permanent deletion), interval from PKI_CA_WORKER_INTERVAL_MS. */
export function caLifecycleWorker(context: CaContext, env: NodeJS.ProcessEnv = process.env): CaLifecycleWorker & BackgroundWorker {
  const intervalMs = Number(env.PKI_CA_WORKER_INTERVAL_MS ?? DEFAULT_LIFECYCLE_WORKER_OPTIONS.intervalMs);
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new Error(`PKI_CA_WORKER_INTERVAL_MS must be a positive number of milliseconds, not ${env.PKI_CA_WORKER_INTERVAL_MS}`);
  return new CaLifecycleWorker(context, { ...DEFAULT_LIFECYCLE_WORKER_OPTIONS, intervalMs });
}
