import type { Consumer, ConsumerMessages, JetStreamManager, JsMsg } from 'nats';
import { eventFilterSubject, eventStreamName } from '@pki/contracts';
import { StoppableSleep } from '@pki/service-kit';
import { assertSchemaName } from '../db/schema-name';
import { watchConnection, type ConnectionWatch } from '../jetstream/connection-watch';
import type { RelayLogger } from '../relay/outbox-relay';
import { backoffMs } from '../util/backoff';
import { handleBatch } from './batch-apply';
import { durableName } from './consumer-position';
import { catchUp, type CatchUp } from './catch-up';
import { ackWaitMs, filterDue, prepareConsumer } from './consumer-setup';
import type { ProjectionRunnerOptions, RunnerContext } from './runner-context';

export type { ProjectionRunnerOptions } from './runner-context';

const defaultLogger: RelayLogger = { log: () => undefined, error: (msg, err) => console.error(msg, err) };

/**
 * Feeds a projection from a durable pull consumer (explicit ack). One transaction marks
 * (projection, event id) processed -- skipping the event if it already was -- applies it, and
 * moves the checkpoint; only after the commit is the message acked. Redelivery, a crash before
 * the ack or a republished event therefore never applies twice; the delivery count is never
 * trusted (a restarted nats-server redelivers as "first").
 *
 * Messages that have arrived while the previous transaction ran are handled together, in
 * order, in ONE transaction (one marker statement, their applies, one checkpoint move): under
 * load a consumer pays one commit per batch instead of one per event. The durable delivers only
 * the types the projection declares (`Projection.eventTypes`, through its filter subject,
 * consumer-setup.ts); any other type that reaches it (an older release's messages, a set of
 * types no single filter subject selects) is neither marked nor applied. If
 * a batch fails, the events before the failing one are committed again as a batch and the
 * failing one goes down the single-message path, with the failure counted (batch-apply.ts).
 *
 * A failing message is retried in place with backoff (heartbeating `working()`), rather than
 * nak'd while later messages go ahead: projections see each source stream in order, and the
 * checkpoint stays a contiguous prefix. A message is nak'd when the runner stops mid-retry,
 * and terminated + parked when it is poison (park.ts). A body that is not an envelope, or whose payload
 * breaks the contract of a type the projection declares (payload-check.ts), is poison at once.
 *
 * This file is the fetch loop; consumer-setup.ts (re)creates the durable consumer.
 */
export class ProjectionRunner {
  private readonly ctx: RunnerContext;
  private readonly durable: string;
  /** The source service's event stream. */
  readonly streamName: string;
  private jsm: JetStreamManager | undefined;
  private watch: ConnectionWatch | undefined;
  private loop: Promise<void> | undefined;
  private fetching: ConsumerMessages | undefined;
  private checkedEpoch = -1;
  /** Waits for this projection to apply what its source stream holds (catch-up.ts); also when the runner is stopped or runs elsewhere. */
  readonly catchUp: CatchUp;

  constructor(private readonly o: ProjectionRunnerOptions & { durableName?: string }) {
    const schema = assertSchemaName(o.schema);
    this.ctx = {
      o,
      schema,
      name: o.projection.name,
      logger: o.logger ?? defaultLogger,
      sleeper: new StoppableSleep(),
      lastSeen: { seq: 0, eventId: null },
      filter: eventFilterSubject(o.prefix, o.source, o.projection.eventTypes),
      legacy: { seen: 0, handled: 0, checkedAt: 0 },
    };
    this.durable = o.durableName ?? durableName(o.schema, o.projection.name);
    this.streamName = eventStreamName(o.prefix, o.source);
    this.catchUp = catchUp({
      db: o.db,
      schema,
      projection: o.projection.name,
      streamName: this.streamName,
      durable: this.durable,
      jsm: async () => (this.jsm ??= await o.nc.jetstreamManager()),
      filter: () => this.filterSubject,
    });
  }

  get projectionName(): string {
    return this.ctx.name;
  }

  /** The subject the durable delivers (undefined: the whole stream, also before it is set up). */
  get filterSubject(): string | undefined {
    return this.ctx.consumerFilter ?? undefined;
  }

  async start(): Promise<void> {
    if (this.loop) return;
    // A reconnect may follow a server crash: stop the current fetch and re-check the consumer.
    this.watch = watchConnection(this.o.nc, () => this.fetching?.stop());
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.ctx.sleeper.stop();
    this.fetching?.stop();
    await this.loop;
    this.loop = undefined;
    this.watch?.stop();
    this.watch = undefined;
  }

  private async run(): Promise<void> {
    const { sleeper, logger, name } = this.ctx;
    let failures = 0;
    let consumer: Consumer | undefined;
    while (!sleeper.isStopped) {
      try {
        const epoch = this.watch?.epoch ?? 0;
        this.jsm ??= await this.o.nc.jetstreamManager();
        if (!consumer || epoch !== this.checkedEpoch || (await filterDue(this.ctx, this.jsm, this.streamName))) {
          consumer = await prepareConsumer(this.ctx, { js: this.o.nc.jetstream(), jsm: this.jsm, streamName: this.streamName, durable: this.durable });
          this.checkedEpoch = epoch;
        }
        await this.fetchAndHandle(consumer);
        failures = 0;
      } catch (error) {
        failures++;
        consumer = undefined;
        if (!sleeper.isStopped) {
          logger.error(`projection ${name} <- ${this.streamName}: ${(error as Error)?.message ?? error} (attempt ${failures})`, error);
          await sleeper.sleep(backoffMs(failures, { baseMs: 200, maxMs: 5_000 }));
        }
      }
    }
  }

  /**
   * One pull: a reader moves arriving messages into `queue`; the handler takes everything queued
   * at once as a batch, so messages that arrive during a transaction share the next one. Every
   * message held (queued or in the batch being handled) is heartbeaten (`working()`) a few times
   * per ack wait, so a short ack wait redelivers only what a dead process held.
   */
  private async fetchAndHandle(consumer: Consumer): Promise<void> {
    const messages = await consumer.fetch({ max_messages: this.o.batchSize ?? 100, expires: 5_000 });
    this.fetching = messages;
    const queue: JsMsg[] = [];
    let batch: JsMsg[] = [];
    const heartbeat = setInterval(() => {
      for (const msg of batch) msg.working();
      for (const msg of queue) msg.working();
    }, Math.max(100, Math.floor(ackWaitMs(this.ctx) / 3)));
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
        batch = queue.splice(0);
        if (this.ctx.sleeper.isStopped) {
          for (const msg of batch) msg.nak();
          continue;
        }
        await handleBatch(this.ctx, batch);
        batch = [];
      }
      await reader;
    } finally {
      clearInterval(heartbeat);
      if (!ended) messages.stop();
      this.fetching = undefined;
    }
  }
}
