import { AckPolicy, DeliverPolicy, nanos, type Consumer, type JetStreamClient, type JetStreamManager } from 'nats';
import { ensureEventStream } from '../jetstream/ensure-event-stream';
import { isJetStreamApiError, isStreamNotFound, JS_API_ERRORS, storedMessage } from '../jetstream/jetstream-api';
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
  const lastSeq = info.state.last_seq;
  if (ctx.streamCreated !== info.created) {
    // What this process acked was in another incarnation of the stream (or in none yet).
    ctx.lastSeen = { seq: 0, eventId: null };
    ctx.streamCreated = info.created;
  }
  const { checkpoint, replayAll } = await adoptSourceStream(ctx, streamName, info.created);
  const checkpointSeen: Seen = { seq: Number(checkpoint?.stream_seq ?? 0), eventId: checkpoint?.event_id ?? null };
  const consumerInfo = await jsm.consumers.info(streamName, durable).catch((error: unknown) => {
    if (isJetStreamApiError(error, JS_API_ERRORS.ConsumerNotFound)) return undefined;
    throw error;
  });

  let diverged = consumerInfo !== undefined && consumerInfo.delivered.stream_seq > lastSeq;
  for (const seen of [ctx.lastSeen, checkpointSeen]) {
    if (diverged || seen.seq <= 0 || seen.eventId === null) continue;
    const stored = seen.seq <= lastSeq ? await storedMessage(jsm, streamName, seen.seq) : null;
    diverged = hasDiverged(seen, lastSeq, stored?.header?.get('Nats-Msg-Id'));
  }

  if (replayAll || diverged || !consumerInfo) {
    const start = replayAll ? 1 : restartSequence(checkpointSeen.seq, lastSeq, diverged, ctx.o.replayMargin ?? 1000);
    if (diverged && !replayAll) {
      ctx.logger.log(`projection ${ctx.name}: ${streamName} lost or renumbered messages; replaying from ${start}`);
      await rewindCheckpoint(ctx.o.db, ctx.schema, ctx.name, start - 1);
    }
    if (consumerInfo) await jsm.consumers.delete(streamName, durable);
    await jsm.consumers.add(streamName, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      ack_wait: ackWaitNanos(ctx),
      max_deliver: -1,
      ...(start > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start } : { deliver_policy: DeliverPolicy.All }),
    });
    ctx.lastSeen = { seq: 0, eventId: null };
  } else if (consumerInfo.config.ack_wait !== ackWaitNanos(ctx)) {
    // A durable made by an older release (30 s): after a crash, what the dead process held would wait that long.
    await jsm.consumers.update(streamName, durable, { ack_wait: ackWaitNanos(ctx) });
  }
  return target.js.consumers.get(streamName, durable);
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
