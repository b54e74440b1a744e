import type { Transaction } from 'kysely';
import type { EventEnvelope } from '@pki/contracts';

/**
 * A read model fed by another service's events. `apply` runs inside the runner's
 * transaction, together with the processed-event marker and the checkpoint; it should only
 * write through `trx`. Throwing a transient error (connection loss, serialization failure)
 * retries; anything else retries a few times and then parks the event.
 */
export interface Projection {
  readonly name: string;
  apply(trx: Transaction<any>, event: EventEnvelope): Promise<void>;
}
