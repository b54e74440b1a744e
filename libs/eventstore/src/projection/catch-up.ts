import { setTimeout as sleep } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import type { JetStreamManager } from 'nats';
import { isJetStreamApiError, isStreamNotFound, JS_API_ERRORS, lastSequenceOn } from '../jetstream/jetstream-api';
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
  /** The projection's durable consumer (shared by the replicas). */
  readonly durable: string;
  /** The subject the durable delivers (undefined, or absent: the whole stream). */
  readonly filter?: () => string | undefined;
  /** How often the checkpoint is read while behind (default 25 ms). */
  readonly pollMs?: number;
}

/**
 * One request for the stream's last sequence (of a message on the durable's filter subject:
 * none, nothing to wait for), then the checkpoint, read every `pollMs` until it reaches that
 * sequence (it moves past ignored and parked events too). Replicas share
 * the durable and each moves the checkpoint forward only, so one may have moved it past an event
 * another still holds (or a dead one held): once the checkpoint has reached the sequence, the
 * consumer's ack floor (every message up to it acked, i.e. committed or parked) must have too.
 */
export function catchUp(target: CatchUpTarget): CatchUp {
  return async (timeoutMs) => {
    const deadline = Date.now() + timeoutMs;
    let lastSeq: number;
    const filter = target.filter?.();
    try {
      const jsm = await target.jsm();
      lastSeq = filter === undefined ? (await jsm.streams.info(target.streamName)).state.last_seq : await lastSequenceOn(jsm, target.streamName, filter);
    } catch (error) {
      if (isStreamNotFound(error)) return true; // no stream: the source never published anything
      throw error;
    }
    if (lastSeq === 0) return true; // nothing this projection applies was published
    for (;;) {
      if (await applied(target, lastSeq)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(target.pollMs ?? 25, Math.max(1, deadline - Date.now())));
    }
  };
}

async function applied(target: CatchUpTarget, lastSeq: number): Promise<boolean> {
  const checkpoint = await findCheckpoint(target.db, target.schema, target.projection);
  if (Number(checkpoint?.stream_seq ?? 0) < lastSeq) return false;
  try {
    const consumer = await (await target.jsm()).consumers.info(target.streamName, target.durable);
    return consumer.ack_floor.stream_seq >= lastSeq;
  } catch (error) {
    // No durable (being recreated, or never made): the checkpoint is all there is to go by.
    if (isJetStreamApiError(error, JS_API_ERRORS.ConsumerNotFound)) return true;
    throw error;
  }
}
