import type { BackgroundWorker } from '@pki/eventstore';
import type { CaContext } from './ca-context';
import { CaLifecycleWorker, DEFAULT_LIFECYCLE_WORKER_OPTIONS } from './ca-lifecycle.worker';

/** The lifecycle worker of each context, so CreateCertificateAuthority can hand it a new CA at once. */
const lifecycleWorkers = new WeakMap<CaContext, CaLifecycleWorker>();

/** Starts key pair and CSR creation for a just-created CA without waiting for it (no-op when no worker runs). */
export function requestCsrCreation(context: CaContext, certificateAuthorityId: string): void {
  lifecycleWorkers.get(context)?.kick(certificateAuthorityId);
}

/** ca-service's background work: key pair + CSR creation, expiry, permanent deletion. */
export function caWorkers(context: CaContext, env: NodeJS.ProcessEnv = process.env): BackgroundWorker[] {
  const intervalMs = Number(env.PKI_CA_WORKER_INTERVAL_MS ?? DEFAULT_LIFECYCLE_WORKER_OPTIONS.intervalMs);
  if (!Number.isFinite(intervalMs) || intervalMs <= 0) throw new Error(`PKI_CA_WORKER_INTERVAL_MS must be a positive number of milliseconds, not ${env.PKI_CA_WORKER_INTERVAL_MS}`);
  const worker = new CaLifecycleWorker(context, { ...DEFAULT_LIFECYCLE_WORKER_OPTIONS, intervalMs });
  lifecycleWorkers.set(context, worker);
  return [worker];
}
