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
  /**
   * The event types `apply` acts on, when it ignores every other one. The runner then neither
   * applies nor marks the others (it only moves the checkpoint past them): a consumer of a busy
   * stream it mostly ignores (e.g. every CaKeyUsed of the ca stream) costs no write per event.
   * Absent: every event is applied.
   *
   * The payload of every declared type is checked against its schema in libs/contracts
   * (validateEventPayload) before `apply`: one that breaks it, or a type or schema version
   * without a schema, is parked with the reason and never applied.
   */
  readonly eventTypes?: readonly string[];
  apply(trx: Transaction<any>, event: EventEnvelope): Promise<void>;
  /**
   * Optional: applies several events (in stream order, each claimed once) in one call, so a
   * projection writes a batch with one statement instead of one per event. When present, the
   * runner calls it for a batch's events in the batch's transaction instead of `apply` per
   * event; `apply` still serves events handled alone (a batch that failed is retried event by
   * event, so a failure is still attributed to its event). Must write exactly what `apply` on
   * each event in turn would.
   */
  applyMany?(trx: Transaction<any>, events: readonly EventEnvelope[]): Promise<void>;
}
