import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { EventEnvelope, EventMetadata, NewEvent } from '@pki/contracts';
import { assertSchemaName } from '../db/schema-name';
import { isUniqueViolation } from '../util/pg-errors';
import { observeAppend } from '../eventstore-metrics';
import { ConcurrencyError } from './concurrency.error';
import { buildEnvelopes, envelopeToRow, rowToEnvelope } from './envelope.mapping';
import { currentVersion, currentVersionsOf, insertEventsWithOutbox, selectStream } from './events.queries';

export interface EventStoreOptions {
  schema: string;
  now?: () => Date;
  newId?: () => string;
}

export type ProjectInTransaction = (trx: Transaction<any>, stored: EventEnvelope[]) => Promise<void>;

/** One stream's part of an `appendBatch`. */
export interface StreamAppend {
  readonly stream: string;
  readonly expectedVersion: number;
  readonly events: readonly NewEvent[];
  readonly meta: EventMetadata;
}

export type ProjectBatchInTransaction = (trx: Transaction<any>, stored: EventEnvelope[][]) => Promise<void>;

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
      await observeAppend(this.schema, envelopes.length, () => this.db.transaction().execute(async (trx) => {
        // The unique (stream, version) constraint catches racing writers; this check catches a
        // caller that is ahead of the stream, which would otherwise leave a gap.
        const actual = await currentVersion(trx, this.schema, stream);
        if (actual !== expectedVersion) throw new ConcurrencyError(stream, expectedVersion, actual);
        await insertEventsWithOutbox(trx, this.schema, envelopes.map(envelopeToRow));
        if (project) await project(trx, envelopes);
      }));
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

  /**
   * Group commit: several appends, to one stream or many, in ONE transaction; all of them
   * commit (with their outbox rows and `project`'s writes) or none does. Appends to the same
   * stream must follow each other (each one's expectedVersion is the previous one's plus its
   * event count), so each keeps its own metadata while the stream gets consecutive versions.
   * A stream that is not at its first append's expectedVersion (or a racing writer) fails the
   * whole batch with ConcurrencyError. Returns the stored envelopes of each append, in order.
   */
  async appendBatch(appends: readonly StreamAppend[], project?: ProjectBatchInTransaction): Promise<EventEnvelope[][]> {
    const expected = new Map<string, number>();
    const next = new Map<string, number>();
    for (const a of appends) {
      if (!Number.isInteger(a.expectedVersion) || a.expectedVersion < 0) throw new Error(`invalid expectedVersion ${a.expectedVersion}`);
      const badType = a.events.find((e) => !/^[A-Za-z0-9_-]+$/.test(e.type));
      if (badType) throw new Error(`invalid event type ${JSON.stringify(badType.type)}: letters, digits, '_' and '-' only`);
      const follows = next.get(a.stream);
      if (follows === undefined) expected.set(a.stream, a.expectedVersion);
      else if (follows !== a.expectedVersion) throw new Error(`appendBatch: ${a.stream} at ${a.expectedVersion} does not follow the batch's previous append (version ${follows})`);
      next.set(a.stream, a.expectedVersion + a.events.length);
    }
    const now = this.now();
    const stored = appends.map((a) => buildEnvelopes(a.stream, a.expectedVersion, a.events, a.meta, now, this.newId));
    const rows = stored.flat().map(envelopeToRow);
    if (rows.length === 0) return stored;
    try {
      await observeAppend(this.schema, rows.length, () => this.db.transaction().execute(async (trx) => {
        const actual = await this.currentVersions(trx, [...expected.keys()]);
        for (const [stream, version] of expected) {
          if ((actual.get(stream) ?? 0) !== version) throw new ConcurrencyError(stream, version, actual.get(stream) ?? 0);
        }
        await insertEventsWithOutbox(trx, this.schema, rows);
        if (project) await project(trx, stored);
      }));
    } catch (error) {
      if (error instanceof ConcurrencyError) throw error;
      if (isUniqueViolation(error, 'events_stream_version_key')) {
        // Which stream lost the race is not in the error; report the first one whose version moved.
        for (const [stream, version] of expected) {
          const actual = await currentVersion(this.db, this.schema, stream).catch(() => -1);
          if (actual !== version) throw new ConcurrencyError(stream, version, actual, { cause: error });
        }
        const [stream, version] = [...expected][0]!;
        throw new ConcurrencyError(stream, version, -1, { cause: error });
      }
      throw error;
    }
    return stored;
  }

  /** The current version of each of `streams` (absent: 0), in one query. */
  private async currentVersions(trx: Transaction<any>, streams: string[]): Promise<Map<string, number>> {
    if (streams.length === 1) return new Map([[streams[0]!, await currentVersion(trx, this.schema, streams[0]!)]]);
    return currentVersionsOf(trx, this.schema, streams);
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
