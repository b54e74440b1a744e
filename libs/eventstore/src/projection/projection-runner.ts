import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  jetstreamManager,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';
import type { Kysely } from 'kysely';
import { eventStreamName, type EventEnvelope, type ServiceName } from '@pki/contracts';
import { assertSchemaName } from '../db/schema-name';
import { watchConnection, type ConnectionWatch } from '../jetstream/connection-watch';
import { ensureEventStream, isStreamNotFound } from '../jetstream/ensure-event-stream';
import type { RelayLogger } from '../relay/outbox-relay';
import { backoffMs } from '../util/backoff';
import { isTransientError } from '../util/pg-errors';
import { StoppableSleep } from '../util/stoppable-sleep';
import { durableName, hasDiverged, restartSequence, type Seen } from './consumer-position';
import { parseEnvelope } from './parse-envelope';
import { payloadProblem, type PayloadValidator } from './payload-check';
import type { Projection } from './projection';
import { advanceCheckpoint, findCheckpoint, insertParked, markProcessed, markProcessedMany, rewindCheckpoint } from './projection.queries';

export interface ProjectionRunnerOptions {
  db: Kysely<any>;
  /** Where the checkpoint, processed-event and parked tables live (projectionMigrations). */
  schema: string;
  nc: NatsConnection;
  prefix: string;
  /** Whose event stream to read. */
  source: ServiceName;
  projection: Projection;
  logger?: RelayLogger;
  /** Non-transient failures of one event before it is parked and terminated (default 5). */
  maxAttempts?: number;
  batchSize?: number;
  ackWaitMs?: number;
  /** Messages to replay before the loss point when JetStream lost messages (default 1000). */
  replayMargin?: number;
  /** Checks the payloads of the types the projection declares (default: the schemas in libs/contracts). */
  validatePayload?: PayloadValidator;
  /** Test seam: runs after commit and before ack; throwing skips the ack, as a crash there would. */
  beforeAck?: (event: EventEnvelope) => Promise<void> | void;
}

const defaultLogger: RelayLogger = { log: () => undefined, error: (msg, err) => console.error(msg, err) };

/** A delivered message and the envelope it carries. */
interface Delivered {
  readonly msg: JsMsg;
  readonly event: EventEnvelope;
}

/**
 * Feeds a projection from a durable pull consumer (explicit ack). One transaction marks
 * (projection, event id) processed -- skipping the event if it already was -- applies it, and
 * moves the checkpoint; only after the commit is the message acked. Redelivery, a crash before
 * the ack or a republished event therefore never applies twice; the delivery count is never
 * trusted (a restarted nats-server redelivers as "first").
 *
 * Messages that have arrived while the previous transaction ran are handled together, in
 * order, in ONE transaction (one marker statement, their applies, one checkpoint move): under
 * load a consumer pays one commit per batch instead of one per event. Events of a type the
 * projection declares it ignores (`Projection.eventTypes`) are neither marked nor applied. If
 * a batch fails, the events before the failing one are committed again as a batch and the
 * failing one goes down the single-message path below, with the failure counted.
 *
 * A failing message is retried in place with backoff (heartbeating `working()`), rather than
 * nak'd while later messages go ahead: projections see each source stream in order, and the
 * checkpoint stays a contiguous prefix. A message is nak'd when the runner stops mid-retry,
 * and terminated + parked when it is poison. A body that is not an envelope, or whose payload
 * breaks the contract of a type the projection declares (payload-check.ts), is poison at once.
 */
export class ProjectionRunner {
  private readonly schema: string;
  private readonly name: string;
  private readonly durable: string;
  private readonly streamName: string;
  private readonly js: JetStreamClient;
  private readonly logger: RelayLogger;
  private readonly sleeper = new StoppableSleep();
  private jsm: JetStreamManager | undefined;
  private watch: ConnectionWatch | undefined;
  private loop: Promise<void> | undefined;
  private fetching: ConsumerMessages | undefined;
  private lastSeen: Seen = { seq: 0, eventId: null };
  private checkedEpoch = -1;

  constructor(private readonly o: ProjectionRunnerOptions & { durableName?: string }) {
    this.schema = assertSchemaName(o.schema);
    this.name = o.projection.name;
    this.durable = o.durableName ?? durableName(o.schema, o.projection.name);
    this.streamName = eventStreamName(o.prefix, o.source);
    this.js = jetstream(o.nc);
    this.logger = o.logger ?? defaultLogger;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    // A reconnect may follow a server crash: stop the current fetch and re-check the consumer.
    this.watch = watchConnection(this.o.nc, () => this.fetching?.stop());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.sleeper.stop();
    this.fetching?.stop();
    await this.loop;
    this.loop = undefined;
    this.watch?.stop();
    this.watch = undefined;
  }

  private async run(): Promise<void> {
    let failures = 0;
    let consumer: Consumer | undefined;
    while (!this.sleeper.isStopped) {
      try {
        const epoch = this.watch?.epoch ?? 0;
        if (!consumer || epoch !== this.checkedEpoch) {
          consumer = await this.prepareConsumer();
          this.checkedEpoch = epoch;
        }
        await this.fetchAndHandle(consumer);
        failures = 0;
      } catch (error) {
        failures++;
        consumer = undefined;
        if (!this.sleeper.isStopped) {
          this.logger.error(`projection ${this.name} <- ${this.streamName}: ${(error as Error)?.message ?? error} (attempt ${failures})`, error);
          await this.sleeper.sleep(backoffMs(failures, { baseMs: 200, maxMs: 5_000 }));
        }
      }
    }
  }

  /**
   * One pull: a reader moves arriving messages into `queue`; the handler takes everything queued
   * at once as a batch, so messages that arrive during a transaction share the next one.
   */
  private async fetchAndHandle(consumer: Consumer): Promise<void> {
    const messages = await consumer.fetch({ max_messages: this.o.batchSize ?? 100, expires: 5_000 });
    this.fetching = messages;
    const queue: JsMsg[] = [];
    let ended = false;
    let wake: (() => void) | undefined;
    const reader = (async () => {
      try {
        for await (const msg of messages) {
          queue.push(msg);
          wake?.();
        }
      } finally {
        ended = true;
        wake?.();
      }
    })();
    reader.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    try {
      for (;;) {
        if (queue.length === 0) {
          if (ended) break;
          await new Promise<void>((resolve) => (wake = resolve));
          wake = undefined;
          continue;
        }
        const batch = queue.splice(0);
        if (this.sleeper.isStopped) {
          for (const msg of batch) msg.nak();
          continue;
        }
        await this.handleBatch(batch);
      }
      await reader;
    } finally {
      if (!ended) messages.stop();
      this.fetching = undefined;
    }
  }

  /** Checks the stream and our durable consumer, (re)creating it where JetStream lost state. */
  private async prepareConsumer(): Promise<Consumer> {
    this.jsm ??= await jetstreamManager(this.o.nc);
    const jsm = this.jsm;
    let info;
    try {
      info = await jsm.streams.info(this.streamName);
    } catch (error) {
      if (!isStreamNotFound(error)) throw error;
      // The source service has not started yet: create its stream with the same config it would.
      await ensureEventStream(jsm, this.o.prefix, this.o.source);
      info = await jsm.streams.info(this.streamName);
    }
    const lastSeq = info.state.last_seq;
    const checkpoint = await findCheckpoint(this.o.db, this.schema, this.name);
    const checkpointSeen: Seen = { seq: Number(checkpoint?.stream_seq ?? 0), eventId: checkpoint?.event_id ?? null };
    const consumerInfo = await jsm.consumers.info(this.streamName, this.durable).catch((error) => {
      if (error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound) return undefined;
      throw error;
    });

    let diverged = consumerInfo !== undefined && consumerInfo.delivered.stream_seq > lastSeq;
    for (const seen of [this.lastSeen, checkpointSeen]) {
      if (diverged || seen.seq <= 0 || seen.eventId === null) continue;
      const stored = seen.seq <= lastSeq ? await jsm.streams.getMessage(this.streamName, { seq: seen.seq }) : null;
      diverged = hasDiverged(seen, lastSeq, stored?.header?.get('Nats-Msg-Id'));
    }

    if (diverged || !consumerInfo) {
      const start = restartSequence(checkpointSeen.seq, lastSeq, diverged, this.o.replayMargin ?? 1000);
      if (diverged) {
        this.logger.log(`projection ${this.name}: ${this.streamName} lost or renumbered messages; replaying from ${start}`);
        await rewindCheckpoint(this.o.db, this.schema, this.name, start - 1);
      }
      if (consumerInfo) await jsm.consumers.delete(this.streamName, this.durable);
      await jsm.consumers.add(this.streamName, {
        durable_name: this.durable,
        ack_policy: AckPolicy.Explicit,
        ack_wait: nanos(this.o.ackWaitMs ?? 30_000),
        max_deliver: -1,
        ...(start > 1 ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start } : { deliver_policy: DeliverPolicy.All }),
      });
      this.lastSeen = { seq: 0, eventId: null };
    }
    return this.js.consumers.get(this.streamName, this.durable);
  }

  /** Messages in stream order: unparsable ones and invalid payloads are parked where they are, the others committed in runs. */
  private async handleBatch(msgs: readonly JsMsg[]): Promise<void> {
    let run: Delivered[] = [];
    for (const msg of msgs) {
      const parsed = parseEnvelope(msg.string());
      const invalid = parsed.ok ? payloadProblem(this.o.projection, parsed.envelope, this.o.validatePayload) : parsed.error;
      if (parsed.ok && !invalid) {
        run.push({ msg, event: parsed.envelope });
        continue;
      }
      await this.handleRun(run);
      run = [];
      if (this.sleeper.isStopped) msg.nak();
      else await this.park(msg, parsed.ok ? parsed.envelope : null, invalid, 1);
    }
    await this.handleRun(run);
  }

  /** Parsed messages, in order: one transaction for all of them, or, if it fails, split around the failing event. */
  private async handleRun(run: readonly Delivered[]): Promise<void> {
    if (run.length === 0) return;
    if (this.sleeper.isStopped) {
      for (const d of run) d.msg.nak();
      return;
    }
    if (run.length === 1) {
      await this.handle(run[0]!, 0);
      return;
    }
    const relevant = run.filter((d) => this.applies(d.event));
    const last = run[run.length - 1]!;
    if (relevant.length === 0) {
      // Nothing to apply or mark: moving the checkpoint past them is one statement, no transaction.
      try {
        await advanceCheckpoint(this.o.db, this.schema, this.name, last.msg.seq, last.event.id);
      } catch {
        for (const d of run) await this.handleRun([d]);
        return;
      }
      await this.acknowledge(...run);
      return;
    }
    let failing: number | undefined;
    try {
      await this.o.db.transaction().execute(async (trx) => {
        const claimed = await markProcessedMany(trx, this.schema, this.name, relevant.map((d) => ({ eventId: d.event.id, streamSeq: d.msg.seq })));
        for (let i = 0; i < run.length; i++) {
          const { event } = run[i]!;
          if (!claimed.delete(event.id)) continue; // ignored type, processed before, or a duplicate in this batch
          failing = i;
          await this.o.projection.apply(trx, event);
        }
        failing = undefined;
        await advanceCheckpoint(trx, this.schema, this.name, last.msg.seq, last.event.id);
      });
    } catch (error) {
      if (failing === undefined) {
        // Not attributable to one event (the connection, the marker or the checkpoint): one by one.
        for (const d of run) await this.handleRun([d]);
        return;
      }
      const d = run[failing]!;
      this.logger.error(`projection ${this.name}: event ${d.event.id} (seq ${d.msg.seq}) failed in a batch, retrying it alone`, error);
      await this.handleRun(run.slice(0, failing));
      if (this.sleeper.isStopped) d.msg.nak();
      else await this.handle(d, isTransientError(error) ? 0 : 1);
      await this.handleRun(run.slice(failing + 1));
      return;
    }
    await this.acknowledge(...run);
  }

  /** Whether the projection acts on `event` (see Projection.eventTypes). */
  private applies(event: EventEnvelope): boolean {
    return this.o.projection.eventTypes === undefined || this.o.projection.eventTypes.includes(event.type);
  }

  /** One message in its own transaction, retried in place; `priorFailures` non-transient failures already happened in a batch. */
  private async handle({ msg, event }: Delivered, priorFailures: number): Promise<void> {
    const seq = msg.seq;
    let failures = priorFailures;
    for (let attempt = priorFailures + 1; ; attempt++) {
      try {
        if (this.applies(event)) {
          await this.o.db.transaction().execute(async (trx) => {
            if (await markProcessed(trx, this.schema, this.name, event.id, seq)) await this.o.projection.apply(trx, event);
            await advanceCheckpoint(trx, this.schema, this.name, seq, event.id);
          });
        } else {
          await advanceCheckpoint(this.o.db, this.schema, this.name, seq, event.id);
        }
        break;
      } catch (error) {
        if (this.sleeper.isStopped) {
          msg.nak();
          return;
        }
        if (!isTransientError(error) && ++failures >= (this.o.maxAttempts ?? 5)) {
          await this.park(msg, event, error, attempt);
          return;
        }
        this.logger.error(`projection ${this.name}: event ${event.id} (seq ${seq}) failed, retrying`, error);
        msg.working();
        await this.sleeper.sleep(backoffMs(attempt, { baseMs: 100, maxMs: 5_000 }));
      }
    }
    await this.acknowledge({ msg, event });
  }

  /**
   * After the commit: the test seam, then the ack. Without the seam the acks of a batch are sent
   * synchronously, so the NATS client writes them to the socket together.
   */
  private async acknowledge(...delivered: readonly Delivered[]): Promise<void> {
    for (const { msg, event } of delivered) {
      if (this.o.beforeAck) {
        try {
          await this.o.beforeAck(event);
        } catch {
          continue; // the simulated crash: committed, never acked
        }
      }
      this.lastSeen = { seq: msg.seq, eventId: event.id };
      msg.ack();
    }
  }

  /** Terminates a poison message and records it (and marks it processed, so a redelivery is skipped). */
  private async park(msg: JsMsg, event: EventEnvelope | null, error: unknown, attempts: number): Promise<void> {
    const reason = error instanceof Error ? error.message : String(error);
    for (let attempt = 1; !this.sleeper.isStopped; attempt++) {
      try {
        await this.o.db.transaction().execute(async (trx) => {
          await insertParked(trx, this.schema, {
            projection: this.name,
            stream_seq: String(msg.seq),
            event_id: event?.id ?? msg.headers?.get('Nats-Msg-Id') ?? null,
            subject: msg.subject,
            payload: msg.string(),
            error: reason,
            attempts,
          });
          if (event) await markProcessed(trx, this.schema, this.name, event.id, msg.seq);
          await advanceCheckpoint(trx, this.schema, this.name, msg.seq, event?.id ?? null);
        });
        this.logger.error(`projection ${this.name}: parked message seq ${msg.seq} after ${attempts} attempt(s): ${reason}`);
        // No reason argument: nats-server 2.9 ignores `+TERM <reason>`; the reason is in the parked row.
        msg.term();
        return;
      } catch (parkError) {
        this.logger.error(`projection ${this.name}: could not park seq ${msg.seq}, retrying`, parkError);
        msg.working();
        await this.sleeper.sleep(backoffMs(attempt));
      }
    }
    msg.nak();
  }
}
