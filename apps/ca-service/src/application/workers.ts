import type { BackgroundWorker } from '@pki/eventstore';
import type { CaContext } from './ca-context';

/** ca-service's background work (key generation, expiry and deletion schedulers): none yet. */
export function caWorkers(_context: CaContext): BackgroundWorker[] {
  return [];
}
