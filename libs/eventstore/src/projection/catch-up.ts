import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { JetStreamManager } from 'nats';
import { isStreamNotFound } from '../jetstream/jetstream-api';
import { findCheckpoint } from './projection.queries';

/**
 * Waits at most `timeoutMs` for a projection to apply every event its source stream holds now.
 * Resolves true when it has (at once, with no waiting, when it already had), false when it was
 * still behind at the deadline. Use it before answering "not found" from a projection: an entity
 * missing from a caught-up projection is missing, one missing from a lagging projection may be in
 * the events not applied yet. (Events the source committed but its outbox relay has not published
 * yet are not in the stream: only the source itself can speak for those.)
 */
export type CatchUp = (timeoutMs: number) => Promise<boolean>;

export interface CatchUpTarget {
  readonly db: Kysely<any>;
  readonly schema: string;
  readonly projection: string;
  readonly jsm: () => Promise<JetStreamManager>;
  readonly streamName: string;
  /** How often the checkpoint is read while behind (default 25 ms). */
  readonly pollMs?: number;
}

/**
 * One stream-info request (the stream's last sequence) and one checkpoint read when caught up;
 * while behind, one checkpoint read per `pollMs` until the checkpoint reaches that sequence.
 * The checkpoint moves past ignored and parked events too, so "reached" means "nothing left".
 */
export function catchUp(target: CatchUpTarget): CatchUp {
  return async (timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    let lastSeq: number;
    try {
      lastSeq = (await (await target.jsm()).streams.info(target.streamName)).state.last_seq;
    } catch (error) {
      if (isStreamNotFound(error)) return true; // no stream: the source never published anything
      throw error;
    }
    for (;;) {
      const checkpoint = await findCheckpoint(target.db, target.schema, target.projection);
      if (Number(checkpoint?.stream_seq ?? 0) >= lastSeq) return true;
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(target.pollMs ?? 25, Math.max(1, deadline - Date.now())));
    }
  };
}
