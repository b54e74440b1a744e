import type { JetStreamClient, JetStreamManager, NatsConnection } from 'nats';
import type { Kysely } from 'kysely';
import { eventStreamName, eventSubject, publicEventSubject, type PublicEvent, type PublicEventContext, type PublicEventTranslator, type ServiceName } from '@pki/contracts';
import { StoppableSleep } from '@pki/service-kit';
import { assertSchemaName } from '../db/schema-name';
import { ensureEventStream, type EventStreamOptions } from '../jetstream/ensure-event-stream';
import { ensurePublicStream, type PublicStreamOptions } from '../jetstream/ensure-public-stream';
import { rowToEnvelope } from '../store/envelope.mapping';
import { backoffMs } from '../util/backoff';
import { watchConnection, type ConnectionWatch } from '../jetstream/connection-watch';
import {
  claimPending,
  eventsSince,
  forgetPublicSeqs,
  markPublished,
  moveStreamCreated,
  recentPublic,
  recordedStreamCreated,
  resetPublic,
  resetPublicAbove,
  takeRelayTurn,
  type PendingRow,
  type Published,
} from './outbox.queries';
import { positionsNotHeld, reconcileOutbox } from './outbox-reconciler';

export interface RelayLogger {
  log(msg: string): void;
  error(msg: string, err?: unknown): void;
}

export interface OutboxRelayOptions {
  db: Kysely<any>;
  schema: string;
  nc: NatsConnection;
  prefix: string;
  service: ServiceName;
  batchSize?: number;
  pollIntervalMs?: number;
  logger?: RelayLogger;
  /** How long published rows are kept to repair JetStream losses (default 24 h). */
  retentionMs?: number;
  /** How often the stream is compared with the outbox while connected (default 30 s). */
  reconcileIntervalMs?: number;
  /** How many of the most recently published rows are checked message by message (default 200). */
  verifyRecent?: number;
  stream?: EventStreamOptions;
  /** The service's public feed (issue #15): its translation of its events, and the public stream. */
  publicFeed?: PublicFeedOptions;
}

export interface PublicFeedOptions {
  readonly translate: PublicEventTranslator;
  readonly context: PublicEventContext;
  readonly stream: PublicStreamOptions;
}

export const quietLogger: RelayLogger = { log: () => undefined, error: () => undefined };
const defaultLogger: RelayLogger = { log: () => undefined, error: (msg, err) => console.error(msg, err) };

/**
 * Publishes the outbox to JetStream: take the schema's relay turn (one pass at a time across
 * replicas, so events go out in position order) -> claim (position order) -> publish with
 * Nats-Msg-Id = event id, and each event's public feed events (if the service has a feed, with
 * Nats-Msg-Id = public event id), and await every PubAck -> mark published with the JetStream
 * sequence -> commit. A crash anywhere before the commit leaves the rows unpublished, so they are
 * published again and JetStream drops the duplicates by message id. A row is marked only when
 * all of its publishes succeeded.
 *
 * Postgres is the truth: after (re)connecting and periodically, the outbox is reconciled with
 * the stream and events the stream lost are published again (see outbox-reconciler).
 */
export class OutboxRelay {
  private readonly schema: string;
  private readonly js: JetStreamClient;
  private readonly streamName: string;
  private readonly logger: RelayLogger;
  private readonly sleeper = new StoppableSleep();
  private jsm: JetStreamManager | undefined;
  private watch: ConnectionWatch | undefined;
  private loop: Promise<void> | undefined;
  private reconciledEpoch = -1;
  private lastReconcileAt = 0;

  constructor(private readonly o: OutboxRelayOptions) {
    this.schema = assertSchemaName(o.schema);
    this.js = o.nc.jetstream();
    this.streamName = eventStreamName(o.prefix, o.service);
    this.logger = o.logger ?? defaultLogger;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    this.watch = watchConnection(this.o.nc);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.sleeper.stop();
    await this.loop;
    this.loop = undefined;
    this.watch?.stop();
    this.watch = undefined;
  }

  /** One pass: reconcile if due, then publish one batch. Returns how many events were published. */
  async publishPending(): Promise<number> {
    const epoch = this.watch?.epoch ?? 0;
    const interval = this.o.reconcileIntervalMs ?? 30_000;
    if (this.reconciledEpoch !== epoch || Date.now() - this.lastReconcileAt > interval) {
      await this.reconcile();
      this.reconciledEpoch = epoch;
      this.lastReconcileAt = Date.now();
    }
    return this.publishBatch(epoch);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.sleeper.isStopped) {
      try {
        const published = await this.publishPending();
        failures = 0;
        // A full batch means more may be waiting: go again at once.
        if (published < this.batchSize) await this.sleeper.sleep(this.o.pollIntervalMs ?? 200);
      } catch (error) {
        failures++;
        // The stream may be gone (deleted, JetStream's storage lost): reconcile, which recreates it, before the next pass.
        this.reconciledEpoch = -1;
        this.logger.error(`outbox relay ${this.schema} -> ${this.streamName}: pass failed (attempt ${failures})`, error);
        await this.sleeper.sleep(backoffMs(failures, { baseMs: 200, maxMs: 5_000 }));
      }
    }
  }

  private get batchSize(): number {
    return this.o.batchSize ?? 100;
  }

  private async reconcile(): Promise<void> {
    this.jsm ??= await this.o.nc.jetstreamManager();
    await ensureEventStream(this.jsm, this.o.prefix, this.o.service, this.o.stream);
    if (this.o.publicFeed) {
      await ensurePublicStream(this.jsm, this.o.prefix, this.o.publicFeed.stream);
      // A stream created anew was filled again from the events table; its sequences start over.
      const lost = (await this.adoptPublicStream(this.jsm, this.o.publicFeed)) ? 0 : await this.repairPublicTail(this.jsm, this.o.publicFeed.stream.name);
      if (lost > 0) this.logger.log(`outbox relay ${this.schema}: ${lost} event(s) whose public events ${this.o.publicFeed.stream.name} lost, publishing them again`);
    }
    const report = await reconcileOutbox({
      db: this.o.db,
      schema: this.schema,
      jsm: this.jsm,
      streamName: this.streamName,
      retentionMs: this.o.retentionMs ?? 24 * 3600_000,
      verifyRecent: this.o.verifyRecent ?? 200,
    });
    if (report.requeuedAll && report.republish > 0) this.logger.log(`outbox relay ${this.schema}: ${this.streamName} is not the stream it published into (created anew, e.g. JetStream lost it); publishing all ${report.republish} event(s) into it`);
    else if (report.republish > 0) this.logger.log(`outbox relay ${this.schema}: ${report.republish} event(s) missing from ${this.streamName}, publishing them again`);
  }

  private async publishBatch(epoch: number): Promise<number> {
    return this.o.db.transaction().execute(async (trx) => {
      if (!(await takeRelayTurn(trx, this.schema))) return 0;
      const rows = await claimPending(trx, this.schema, this.batchSize);
      if (!rows.length) return 0;
      // Publish the whole batch in flight at once (order on the wire is claim order), then await all acks.
      const acks = await Promise.allSettled(rows.map((row) => this.publishRow(row)));
      // If the connection dropped meanwhile, an ack may come from a restarted server that lost
      // earlier writes; do not record sequences we cannot trust. The rows stay pending and are
      // published again after reconciliation (deduplicated by message id).
      if ((this.watch?.epoch ?? 0) !== epoch) return 0;
      const published: Published[] = [];
      acks.forEach((ack, i) => {
        if (ack.status === 'fulfilled') published.push({ position: String(rows[i]!.position), ...ack.value });
      });
      await markPublished(trx, this.schema, published);
      const failed = acks.find((a): a is PromiseRejectedResult => a.status === 'rejected');
      if (failed) throw new Error(`${rows.length - published.length} of ${rows.length} publishes to ${this.streamName} failed`, { cause: failed.reason });
      return published.length;
    });
  }

  /**
   * One event into its stream (unless it is there) and its public events into the public stream
   * (unless they are there); what the outbox row records of both.
   */
  private async publishRow(row: PendingRow): Promise<Omit<Published, 'position'>> {
    const envelope = rowToEnvelope(row);
    const internal =
      row.outbox_published_at === null
        ? this.js.publish(eventSubject(this.o.prefix, this.o.service, envelope.type), JSON.stringify(envelope), { msgID: envelope.id }).then((ack) => ack.seq)
        : Promise.resolve(Number(row.outbox_js_seq));
    const feed = this.o.publicFeed;
    const publics = feed && !row.public_done ? this.publicEventsOf(envelope, feed) : [];
    const [jsSeq, ...publicSeqs] = await Promise.all([
      internal,
      ...publics.map((one) => this.publishPublic(one, feed!.stream.name)),
    ]);
    if (publics.length === 0) return { jsSeq, publicSeq: row.public_seq === null ? null : Number(row.public_seq), publicId: row.public_id };
    return { jsSeq, publicSeq: publicSeqs[publicSeqs.length - 1]!, publicId: publics[publics.length - 1]!.event.id };
  }

  /** One public event into the public stream (Nats-Msg-Id: its id); its sequence there. */
  private async publishPublic({ event, subject }: { event: PublicEvent; subject: string }, streamName: string): Promise<number> {
    return (await this.js.publish(subject, JSON.stringify(event), { msgID: event.id, expect: { streamName } })).seq;
  }

  /**
   * The public stream's tail lost in a nats-server crash (2.9 acknowledges before its write
   * reaches disk), as the reconciler does for the internal stream: rows whose public sequence is
   * past the stream's end, and recent rows whose sequence now holds another message (sequences
   * are reused after a loss), publish their public events again.
   */
  private async repairPublicTail(jsm: JetStreamManager, name: string): Promise<number> {
    const lastSeq = (await jsm.streams.info(name)).state.last_seq;
    let lost = await resetPublicAbove(this.o.db, this.schema, lastSeq);
    const recent = await recentPublic(this.o.db, this.schema, lastSeq, this.o.verifyRecent ?? 200);
    lost += await resetPublic(this.o.db, this.schema, await positionsNotHeld(jsm, name, recent.map((row) => ({ position: row.position, seq: Number(row.public_seq), msgId: row.public_id }))));
    return lost;
  }

  /**
   * The public stream is shared by every service's relay; each records the incarnation it
   * publishes into (outbox_stream, by the stream's name). A new incarnation (JetStream lost the
   * stream and a relay created it again) gets this service's public events again, for the events
   * still within the stream's retention, in position order; what was published into the new
   * stream meanwhile is dropped by Nats-Msg-Id; the rows' public sequences, which meant the old
   * stream, are forgotten. First sight only records. Answers whether the stream was new.
   */
  private async adoptPublicStream(jsm: JetStreamManager, feed: PublicFeedOptions): Promise<boolean> {
    const name = feed.stream.name;
    const info = await jsm.streams.info(name);
    const recorded = await recordedStreamCreated(this.o.db, this.schema, name);
    if (recorded === info.created) return false;
    if (recorded !== null) {
      const since = new Date(Date.now() - feed.stream.maxAgeMs);
      let after = '0';
      let republished = 0;
      for (;;) {
        const rows = await eventsSince(this.o.db, this.schema, after, since, 500);
        if (rows.length === 0) break;
        const publics = rows.flatMap((row) => this.publicEventsOf(rowToEnvelope(row), feed));
        await Promise.all(publics.map((one) => this.publishPublic(one, name)));
        republished += publics.length;
        after = String(rows[rows.length - 1]!.position);
      }
      await forgetPublicSeqs(this.o.db, this.schema);
      this.logger.log(`outbox relay ${this.schema}: ${name} is not the stream it published into (created anew); published again its ${republished} public event(s) of the last ${Math.round(feed.stream.maxAgeMs / 3600_000)} h`);
    }
    await moveStreamCreated(this.o.db, this.schema, name, recorded, info.created);
    return recorded !== null;
  }

  /**
   * The event's public events, each with its subject. A translation that throws, or makes an
   * event no subject can name (an account that is not one), is a defect of this release or of
   * the recorded event, not a reason to stop: it must not hold back the service's events that
   * every other service consumes, so it is logged (with the event id, to publish by hand once
   * fixed) and the event goes out without those public events.
   */
  private publicEventsOf(envelope: ReturnType<typeof rowToEnvelope>, feed: PublicFeedOptions): Array<{ event: PublicEvent; subject: string }> {
    try {
      return feed.translate(envelope, feed.context).map((event) => ({ event, subject: publicEventSubject(this.o.prefix, event) }));
    } catch (error) {
      this.logger.error(`outbox relay ${this.schema}: no public event made for ${envelope.type} ${envelope.id} (stream ${envelope.stream} v${envelope.version}): ${error instanceof Error ? error.message : String(error)}`, error);
      return [];
    }
  }
}
