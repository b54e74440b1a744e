import { AckPolicy, DeliverPolicy, nanos, type Consumer, type ConsumerInfo, type JetStreamClient, type JetStreamManager } from 'nats';
import { legacyEventWildcard } from '@pki/contracts';
import { ensureEventStream } from '../jetstream/ensure-event-stream';
import { isJetStreamApiError, isStreamNotFound, JS_API_ERRORS, lastSequenceOn, storedMessage } from '../jetstream/jetstream-api';
import { projectionStreamAction } from '../jetstream/stream-incarnation';
import { hasDiverged, restartSequence, type Seen } from './consumer-position';
import { findCheckpoint, recordStreamCreated, restartAtStreamStart, rewindCheckpoint } from './projection.queries';
import type { ProjectionCheckpoint } from './projection.tables';
import type { RunnerContext } from './runner-context';

/**
 * How long JetStream waits for the ack of a delivered message before it delivers it again (to
 * any replica sharing the durable). Short, so that what a crashed process held is redelivered
 * within seconds; a live runner heartbeats (`working()`) the messages it holds, so a slow
 * transaction is not redelivered (projection-runner.ts).
 */
export const DEFAULT_ACK_WAIT_MS = 5_000;

export function ackWaitMs(ctx: RunnerContext): number {
  return ctx.o.ackWaitMs ?? DEFAULT_ACK_WAIT_MS;
}

const ackWaitNanos = (ctx: RunnerContext) => nanos(ackWaitMs(ctx));

/** How often a runner that met messages on legacy subjects in its source stream looks for new ones (an older release still publishing). */
export const LEGACY_RECHECK_MS = 30_000;

export interface ConsumerTarget {
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly streamName: string;
  readonly durable: string;
}

/**
 * Checks the source stream and the projection's durable consumer, (re)creating the consumer
 * where JetStream lost state: a consumer ahead of the stream, or a stream whose message at the
 * checkpoint (or at the last ack) is no longer the event seen there, is recreated to replay
 * from before the loss point (restartSequence); the processed-event table skips what was applied.
 * A source stream that was recreated (another incarnation than the checkpoint's, see
 * stream-incarnation.ts) is replayed from its first message: its sequences say nothing about
 * the old ones, and its relay publishes every event into it again.
 *
 * The durable delivers only what the projection applies (its filter subject, eventFilterSubject
 * in libs/contracts), except while the stream holds messages of an older release (legacy
 * subjects, which no filter of today's matches) not handled yet: then it reads the whole stream
 * and skips what it does not apply, and the runner sets the filter once it is past them
 * (chooseFilter). A durable whose filter is not the one chosen (made by an older release, or
 * before the legacy messages were handled) is recreated from the last message handled
 * (handledFloor): the processed-event table skips what it delivers again.
 */
export async function prepareConsumer(ctx: RunnerContext, target: ConsumerTarget): Promise<Consumer> {
  const { jsm, streamName, durable } = target;
  let info;
  try {
    info = await jsm.streams.info(streamName);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    // The source service has not started yet: create its stream with the same config it would.
    await ensureEventStream(jsm, ctx.o.prefix, ctx.o.source);
    info = await jsm.streams.info(streamName);
  }
  if (ctx.streamCreated !== info.created) {
    // What this process acked was in another incarnation of the stream (or in none yet).
    ctx.lastSeen = { seq: 0, eventId: null };
    ctx.streamCreated = info.created;
    Object.assign(ctx.legacy, { seen: 0, handled: 0, until: undefined });
  }
  const { checkpoint, replayAll } = await adoptSourceStream(ctx, streamName, info.created);
  const checkpointSeen: Seen = { seq: Number(checkpoint?.stream_seq ?? 0), eventId: checkpoint?.event_id ?? null };
  const consumerInfo = await jsm.consumers.info(streamName, durable).catch((error: unknown) => {
    if (isJetStreamApiError(error, JS_API_ERRORS.ConsumerNotFound)) return undefined;
    throw error;
  });
  // The stream's end, read after the checkpoint and the durable: a message published and
  // delivered (or checkpointed by another replica) while this replica set up is then within it.
  // Read before them, it made a replica starting under load see "delivered past the end of the
  // stream", take it for lost messages and recreate the durable: everything in flight delivered
  // again, and the other replicas' pulls left on the deleted durable.
  const lastSeq = (await jsm.streams.info(streamName)).state.last_seq;

  let diverged = consumerInfo !== undefined && consumerInfo.delivered.stream_seq > lastSeq;
  for (const seen of [ctx.lastSeen, checkpointSeen]) {
    if (diverged || seen.seq <= 0 || seen.eventId === null) continue;
    const stored = seen.seq <= lastSeq ? await storedMessage(jsm, streamName, seen.seq) : null;
    diverged = hasDiverged(seen, lastSeq, stored?.header?.get('Nats-Msg-Id'));
  }

  // The end read before the durable (handledFloor's contract: a message published after it may be undelivered).
  const floor = replayAll || diverged ? 0 : handledFloor(checkpointSeen.seq, info.state.last_seq, consumerInfo);
  const wasHandled = ctx.legacy.handled;
  const durableFilter = consumerInfo && (consumerInfo.config.filter_subject || null);
  const filter = await chooseFilter(ctx, jsm, streamName, floor, durableFilter);
  const refilter = consumerInfo !== undefined && durableFilter !== filter;

  if (replayAll || diverged || !consumerInfo || refilter) {
    let start = replayAll ? 1 : restartSequence(checkpointSeen.seq, lastSeq, diverged, ctx.o.replayMargin ?? 1000);
    if (diverged && !replayAll) {
      ctx.logger.log(`projection ${ctx.name}: ${streamName} lost or renumbered messages; replaying from ${start}`);
      await rewindCheckpoint(ctx.o.db, ctx.schema, ctx.name, start - 1);
    } else if (refilter && !replayAll) {
      // Back to the whole stream after an older release published again: from the last legacy message known handled.
      start = (filter === null && wasHandled > 0 ? Math.min(floor, wasHandled) : floor) + 1;
      ctx.logger.log(`projection ${ctx.name}: ${streamName} read ${filter === null ? 'whole (messages of an older release to handle first)' : `through ${filter}`} from ${start}`);
    }
    if (consumerInfo) await jsm.consumers.delete(streamName, durable);
    await jsm.consumers.add(streamName, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ackWaitNanos(ctx),
      max_deliver: -1,
      ...(filter === null ? {} : { filter_subject: filter }),
      ...(start > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start } : { deliver_policy: DeliverPolicy.All }),
    });
    ctx.lastSeen = { seq: 0, eventId: null };
  } else if (consumerInfo.config.ack_wait !== ackWaitNanos(ctx)) {
    // A durable made by an older release (30 s): after a crash, what the dead process held would wait that long.
    await jsm.consumers.update(streamName, durable, { ack_wait: ackWaitNanos(ctx) });
  }
  ctx.consumerFilter = filter;
  return target.js.consumers.get(streamName, durable);
}

/**
 * The last stream sequence up to which every message the durable delivers is handled (applied,
 * skipped or parked, then acked): its ack floor (nats-server 2.9 reports 0 until the first ack
 * of a durable made to start later: then the sequence before its start); when it holds nothing
 * unacked, the last message it delivered; when it has nothing left to deliver either, the
 * stream's last sequence (read before the consumer: a filtered durable's floor stays at the last
 * message it matched). Without a durable, the checkpoint.
 */
export function handledFloor(checkpointSeq: number, lastSeq: number, consumer: ConsumerInfo | undefined): number {
  if (!consumer) return checkpointSeq;
  const acked = Math.max(consumer.ack_floor.stream_seq, (consumer.config.opt_start_seq ?? 1) - 1);
  if (consumer.num_ack_pending > 0) return acked;
  return Math.max(acked, consumer.delivered.stream_seq, consumer.num_pending === 0 ? lastSeq : 0);
}

/**
 * The filter subject the durable should have (null: the whole stream). The projection's filter,
 * unless the stream holds messages on legacy subjects past what is known handled: up to `floor`
 * when the durable reads the whole stream; else the last one this process found handled, or, on
 * its first look, `floor`.
 */
async function chooseFilter(ctx: RunnerContext, jsm: JetStreamManager, streamName: string, floor: number, durableFilter: string | null | undefined): Promise<string | null> {
  if (ctx.filter === undefined) return null;
  const legacy = ctx.legacy;
  legacy.seen = await lastSequenceOn(jsm, streamName, legacyEventWildcard(ctx.o.prefix, ctx.o.source));
  legacy.checkedAt = Date.now();
  const handled = durableFilter === null ? Math.max(legacy.handled, floor) : legacy.handled > 0 ? legacy.handled : floor;
  if (legacy.seen > handled) {
    legacy.until = legacy.seen;
    return null;
  }
  legacy.handled = legacy.seen;
  legacy.until = undefined;
  return ctx.filter;
}

/**
 * Whether the durable's filter should be chosen again: reading the whole stream, the runner has
 * acked past the last legacy message; or, the stream having held legacy messages, a new one
 * appeared (looked for every LEGACY_RECHECK_MS; while reading the whole stream, chosen again as often).
 */
export async function filterDue(ctx: RunnerContext, jsm: JetStreamManager, streamName: string): Promise<boolean> {
  const legacy = ctx.legacy;
  if (ctx.filter === undefined || legacy.seen === 0) return false;
  if (legacy.until !== undefined && ctx.lastSeen.seq >= legacy.until) return true;
  if (Date.now() - legacy.checkedAt < (ctx.o.legacyRecheckMs ?? LEGACY_RECHECK_MS)) return false;
  legacy.checkedAt = Date.now();
  // Reading the whole stream: whether the durable is past them (another replica may have acked the last).
  if (legacy.until !== undefined) return true;
  return (await lastSequenceOn(jsm, streamName, legacyEventWildcard(ctx.o.prefix, ctx.o.source))) > legacy.seen;
}

/**
 * The checkpoint to start from, after recording the source stream's incarnation. `replayAll`:
 * this replica found the stream recreated and moved the checkpoint to its start (one replica
 * does; the others read the moved checkpoint).
 */
async function adoptSourceStream(ctx: RunnerContext, streamName: string, created: string): Promise<{ checkpoint: ProjectionCheckpoint | undefined; replayAll: boolean }> {
  const { db } = ctx.o;
  const checkpoint = await findCheckpoint(db, ctx.schema, ctx.name);
  const recorded = checkpoint?.stream_created ?? null;
  const action = projectionStreamAction(recorded, created);
  switch (action) {
    case 'none':
      return { checkpoint, replayAll: false };
    case 'record':
      await recordStreamCreated(db, ctx.schema, ctx.name, created);
      return { checkpoint: await findCheckpoint(db, ctx.schema, ctx.name), replayAll: false };
    case 'replay-all': {
      const moved = await restartAtStreamStart(db, ctx.schema, ctx.name, recorded!, created);
      if (moved) ctx.logger.log(`projection ${ctx.name}: ${streamName} was recreated (JetStream lost it); replaying it from the start, skipping the events already applied`);
      return { checkpoint: await findCheckpoint(db, ctx.schema, ctx.name), replayAll: moved };
    }
    default: {
      const _exhaustive: never = action;
      throw new Error(`unknown stream action ${String(_exhaustive)}`);
    }
  }
}
