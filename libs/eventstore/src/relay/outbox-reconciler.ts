import type { JetStreamManager } from 'nats';
import { storedMessage } from '../jetstream/jetstream-api';
import type { Kysely } from 'kysely';
import { relayStreamAction } from '../jetstream/stream-incarnation';
import { moveStreamCreated, prunePublished, recentPublished, recordedStreamCreated, requeueAllEvents, resetPublished, resetPublishedAbove } from './outbox.queries';

export interface ReconcileInput {
  db: Kysely<any>;
  schema: string;
  jsm: JetStreamManager;
  streamName: string;
  retentionMs: number;
  verifyRecent: number;
  now?: () => Date;
}

export interface ReconcileReport {
  /** Events to publish again (their outbox rows are pending once more). */
  readonly republish: number;
  readonly pruned: number;
  /** The stream was recreated (or found empty on first sight): every event was queued again. */
  readonly requeuedAll: boolean;
}

/**
 * Repairs what JetStream lost. A stream that is not the incarnation the relay recorded (its
 * storage was lost and it was created again; stream-incarnation.ts) gets every event of the
 * events table again, in position order: the outbox alone cannot tell, its published rows are
 * pruned after the retention. One relay replica makes that switch (compare-and-set in the
 * transaction that queues the events). The Debian nats-server (2.9) acknowledges writes before they
 * reach disk, so a SIGKILL can drop the tail of the stream: every retained outbox row whose
 * recorded sequence is beyond the stream's last sequence is published again. Sequences are
 * reused after such a loss, so the most recent rows are also checked message by message
 * (Nats-Msg-Id must still be the event id). Rows older than the retention that the stream
 * still holds are pruned.
 */
export async function reconcileOutbox(input: ReconcileInput): Promise<ReconcileReport> {
  const { db, schema, jsm, streamName } = input;
  const info = await jsm.streams.info(streamName);
  const lastSeq = info.state.last_seq;
  const requeued = await adoptStream(input, info.created, lastSeq);
  let republish = requeued ?? 0;
  republish += await resetPublishedAbove(db, schema, lastSeq);

  const recent = await recentPublished(db, schema, lastSeq, input.verifyRecent);
  const mismatched = await positionsNotHeld(jsm, streamName, recent.map((row) => ({ position: row.position, seq: Number(row.js_seq), msgId: row.event_id })));
  republish += await resetPublished(db, schema, mismatched);

  const before = new Date((input.now?.() ?? new Date()).getTime() - input.retentionMs);
  const pruned = await prunePublished(db, schema, before, lastSeq);
  return { republish, pruned, requeuedAll: requeued !== undefined };
}

/** Records the stream's incarnation; the events queued again when it is a new one (undefined: none). */
async function adoptStream({ db, schema, streamName }: ReconcileInput, created: string, lastSeq: number): Promise<number | undefined> {
  const recorded = await recordedStreamCreated(db, schema, streamName);
  const action = relayStreamAction(recorded, { created, lastSeq });
  if (action === 'none') return undefined;
  return db.transaction().execute(async (trx) => {
    if (!(await moveStreamCreated(trx, schema, streamName, recorded, created))) return undefined; // another replica did
    return action === 'republish-all' ? requeueAllEvents(trx, schema) : undefined;
  });
}

/**
 * The outbox rows whose message is not at its recorded sequence any more (Nats-Msg-Id differs or
 * the message is gone): after a loss, a stream reuses sequences, so "beyond the last sequence"
 * alone misses them. Read 25 at a time.
 */
export async function positionsNotHeld(jsm: JetStreamManager, streamName: string, rows: ReadonlyArray<{ position: string; seq: number; msgId: string }>): Promise<string[]> {
  const mismatched: string[] = [];
  for (let i = 0; i < rows.length; i += 25) {
    const chunk = rows.slice(i, i + 25);
    const stored = await Promise.all(chunk.map((row) => storedMessage(jsm, streamName, row.seq)));
    chunk.forEach((row, j) => {
      if (stored[j]?.header?.get('Nats-Msg-Id') !== row.msgId) mismatched.push(row.position);
    });
  }
  return mismatched;
}
