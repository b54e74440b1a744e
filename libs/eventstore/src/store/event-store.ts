import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { EventEnvelope, EventMetadata, NewEvent } from '@pki/contracts';
import { assertSchemaName } from '../db/schema-name';
import { isUniqueViolation } from '../util/pg-errors';
import { ConcurrencyError } from './concurrency.error';
import { buildEnvelopes, envelopeToRow, rowToEnvelope } from './envelope.mapping';
import { currentVersion, insertEvents, selectStream } from './events.queries';
import { insertOutboxRows } from '../relay/outbox.queries';

export interface EventStoreOptions {
  schema: string;
  now?: () => Date;
  newId?: () => string;
}

export type ProjectInTransaction = (trx: Transaction<any>, stored: EventEnvelope[]) => Promise<void>;

export class EventStore {
  private readonly schema: string;
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(
    private readonly db: Kysely<any>,
    opts: EventStoreOptions,
  ) {
    this.schema = assertSchemaName(opts.schema);
    this.now = opts.now ?? (() => new Date());
    this.newId = opts.newId ?? randomUUID;
  }

  /**
   * Appends after `expectedVersion` (the stream's current version, 0 for a new stream). The
   * events, their outbox rows and the caller's read-model writes (`project`) commit together
   * or not at all; a concurrent writer surfaces as ConcurrencyError, never as a pg error.
   */
  async append(stream: string, expectedVersion: number, events: NewEvent[], meta: EventMetadata, project?: ProjectInTransaction): Promise<EventEnvelope[]> {
    if (!Number.isInteger(expectedVersion) || expectedVersion < 0) throw new Error(`invalid expectedVersion ${expectedVersion}`);
    if (events.length === 0) return [];
    // The type becomes a NATS subject token when relayed; refuse it here rather than wedge the relay.
    const badType = events.find((e) => !/^[A-Za-z0-9_-]+$/.test(e.type));
    if (badType) throw new Error(`invalid event type ${JSON.stringify(badType.type)}: letters, digits, '_' and '-' only`);
    const envelopes = buildEnvelopes(stream, expectedVersion, events, meta, this.now(), this.newId);
    try {
      await this.db.transaction().execute(async (trx) => {
        // The unique (stream, version) constraint catches racing writers; this check catches a
        // caller that is ahead of the stream, which would otherwise leave a gap.
        const actual = await currentVersion(trx, this.schema, stream);
        if (actual !== expectedVersion) throw new ConcurrencyError(stream, expectedVersion, actual);
        const inserted = await insertEvents(trx, this.schema, envelopes.map(envelopeToRow));
        await insertOutboxRows(trx, this.schema, inserted.map((r) => ({ position: r.position, event_id: r.id })));
        if (project) await project(trx, envelopes);
      });
    } catch (error) {
      if (error instanceof ConcurrencyError) throw error;
      if (isUniqueViolation(error, 'events_stream_version_key')) {
        const actual = await currentVersion(this.db, this.schema, stream).catch(() => -1);
        throw new ConcurrencyError(stream, expectedVersion, actual, { cause: error });
      }
      throw error;
    }
    return envelopes;
  }

  /** The whole stream, ordered by version. */
  async load(stream: string): Promise<EventEnvelope[]> {
    return (await selectStream(this.db, this.schema, stream)).map(rowToEnvelope);
  }

  /**
   * Appends to many streams, for seeding and benchmarks. A plain loop for now; each append
   * keeps its own transaction and concurrency check.
   */
  async appendMany(batch: ReadonlyArray<{ stream: string; expectedVersion: number; events: NewEvent[]; meta: EventMetadata }>): Promise<EventEnvelope[][]> {
    const results: EventEnvelope[][] = [];
    for (const item of batch) results.push(await this.append(item.stream, item.expectedVersion, item.events, item.meta));
    return results;
  }
}
