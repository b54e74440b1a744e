/**
 * Thrown by a projection's `apply` when the event follows one of its stream that this projection
 * has not applied yet (for a projection that needs a stream's events in order: a CA's lifecycle).
 *
 * Why it happens: the replicas of a service share one durable consumer, and JetStream spreads
 * the messages it has among their pull requests; two events of one stream published together
 * can go to two replicas and be applied at the same time, the later one first. The runner then
 * rolls the later one back and asks JetStream to deliver it again shortly (a delayed nak), while
 * the replica holding the earlier one commits it; nothing is marked processed, the checkpoint
 * moves on only past what committed, and the message stays unacknowledged until it applies.
 * After MAX_TOO_EARLY_DELIVERIES it is parked like any failing event, so a predecessor that can
 * never be applied (itself parked) is visible to an operator rather than retried forever.
 */
export class EventTooEarly extends Error {
  constructor(
    readonly stream: string,
    readonly version: number,
    readonly applied: number,
  ) {
    super(`event ${version} of ${stream} follows version ${applied}, the last one applied; an earlier event is still on its way`);
    this.name = 'EventTooEarly';
  }
}

/** Deliveries of an event that came too early before it is parked (with the delays below, about a minute). */
export const MAX_TOO_EARLY_DELIVERIES = 40;

/** How long JetStream waits before delivering a too-early event again: 50 ms, doubling, at most 2 s. */
export function tooEarlyDelayMs(deliveries: number): number {
  return Math.min(2_000, 50 * 2 ** Math.max(0, deliveries - 1));
}

/**
 * For a projection that keeps, per stream, the version of the last event it applied: what to do
 * with `event` given that version (undefined: nothing applied for the stream yet). `apply`: it is
 * the next one; `skip`: applied before (a redelivery or a replay); otherwise EventTooEarly is thrown.
 */
export function inStreamOrder(event: { readonly stream: string; readonly version: number }, applied: number | undefined): 'apply' | 'skip' {
  const last = applied ?? 0;
  if (event.version <= last) return 'skip';
  if (event.version === last + 1) return 'apply';
  throw new EventTooEarly(event.stream, event.version, last);
}
