import { connect, type NatsConnection } from 'nats';
import type { Kysely } from 'kysely';
import { eventStreamName, type EventMetadata, type ServiceName } from '@pki/contracts';
import { assertNatsReachable, cleanupNatsPrefix, createTestDatabase, testNatsUrl, uniquePrefix } from '@pki/testing';
import { migrateToLatest } from '../db/migrate-to-latest';
import { projectionMigrations } from '../projection/projection.migrations';
import { eventStoreMigrations } from '../store/event-store.migrations';
import { quietLogger } from '../relay/outbox-relay';

export const SERVICE: ServiceName = 'ca';
export const SCHEMA = 'ca';
export const meta: EventMetadata = { correlationId: 'test', causationId: null, accountId: '111122223333' };
export { quietLogger };

export interface Harness {
  db: Kysely<any>;
  url: string;
  nc: NatsConnection;
  prefix: string;
  streamName: string;
  close(): Promise<void>;
}

/** A fresh database (migrated) and a unique NATS prefix on the shared test servers. */
export async function openHarness(): Promise<Harness> {
  await assertNatsReachable();
  const database = await createTestDatabase();
  await migrateToLatest(database.db, SCHEMA, { ...eventStoreMigrations(SCHEMA), ...projectionMigrations(SCHEMA) });
  const nc = await connect({ servers: testNatsUrl() });
  const prefix = uniquePrefix();
  return {
    db: database.db,
    url: database.url,
    nc,
    prefix,
    streamName: eventStreamName(prefix, SERVICE),
    async close() {
      await cleanupNatsPrefix(nc, prefix).catch(() => undefined);
      await nc.close();
      await database.destroy();
    },
  };
}

/** Every message in the stream: Nats-Msg-Id and parsed body, in stream order. */
export async function streamMessages(nc: NatsConnection, streamName: string): Promise<Array<{ seq: number; msgId: string; body: any }>> {
  const jsm = await nc.jetstreamManager();
  const info = await jsm.streams.info(streamName);
  const out: Array<{ seq: number; msgId: string; body: any }> = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    // A deleted message (a test's simulated loss) leaves a gap in the sequence.
    const m = await jsm.streams.getMessage(streamName, { seq }).catch(() => null);
    if (m) out.push({ seq, msgId: m.header.get('Nats-Msg-Id'), body: m.json() });
  }
  return out;
}

export function countBy<T>(items: T[], key: (t: T) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}
