import type { JetStreamManager } from 'nats';
import { storedMessage } from '../jetstream/jetstream-api';
import type { Kysely } from 'kysely';
import { prunePublished, recentPublished, resetPublished, resetPublishedAbove } from './outbox.queries';

export interface ReconcileInput {
  db: Kysely<any>;
  schema: string;
  jsm: JetStreamManager;
  streamName: string;
  retentionMs: number;
  verifyRecent: number;
  now?: () => Date;
}

/**
 * Repairs what JetStream lost. The Debian nats-server (2.9) acknowledges writes before they
 * reach disk, so a SIGKILL can drop the tail of the stream: every retained outbox row whose
 * recorded sequence is beyond the stream's last sequence is published again. Sequences are
 * reused after such a loss, so the most recent rows are also checked message by message
 * (Nats-Msg-Id must still be the event id). Rows older than the retention that the stream
 * still holds are pruned.
 */
export async function reconcileOutbox(input: ReconcileInput): Promise<{ republish: number; pruned: number }> {
  const { db, schema, jsm, streamName } = input;
  const info = await jsm.streams.info(streamName);
  const lastSeq = info.state.last_seq;
  let republish = await resetPublishedAbove(db, schema, lastSeq);

  const recent = await recentPublished(db, schema, lastSeq, input.verifyRecent);
  const mismatched: string[] = [];
  for (let i = 0; i < recent.length; i += 25) {
    const chunk = recent.slice(i, i + 25);
    const stored = await Promise.all(chunk.map((row) => storedMessage(jsm, streamName, Number(row.js_seq))));
    chunk.forEach((row, j) => {
      if (stored[j]?.header?.get('Nats-Msg-Id') !== row.event_id) mismatched.push(row.position);
    });
  }
  republish += await resetPublished(db, schema, mismatched);

  const before = new Date((input.now?.() ?? new Date()).getTime() - input.retentionMs);
  const pruned = await prunePublished(db, schema, before, lastSeq);
  return { republish, pruned };
}
