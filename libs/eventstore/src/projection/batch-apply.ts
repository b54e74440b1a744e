import type { JsMsg } from 'nats';
import type { EventEnvelope } from '@pki/contracts';
import { backoffMs } from '../util/backoff';
import { EventTooEarly, MAX_TOO_EARLY_DELIVERIES, tooEarlyDelayMs } from './event-too-early';
import { isTransientError } from '../util/pg-errors';
import { parseEnvelope } from './parse-envelope';
import { park } from './park';
import { payloadProblem } from './payload-check';
import { advanceCheckpoint, markProcessed, markProcessedMany } from './projection.queries';
import type { Delivered, RunnerContext } from './runner-context';

type ReadEnvelope = { ok: true; envelope: EventEnvelope } | { ok: false; envelope: EventEnvelope | null; error: Error };

/**
 * The envelope a message carries, or why it can never be applied (the message is then parked):
 * a body that is not an envelope, or a payload that breaks the contract (libs/contracts) of a
 * type the projection declares (payload-check.ts). The one place every message is checked
 * before any projection sees it.
 */
function readEnvelope(ctx: RunnerContext, msg: JsMsg): ReadEnvelope {
  const parsed = parseEnvelope(msg.string());
  if (!parsed.ok) return { ok: false, envelope: null, error: parsed.error };
  const invalid = payloadProblem(ctx.o.projection, parsed.envelope, ctx.o.validatePayload);
  return invalid ? { ok: false, envelope: parsed.envelope, error: invalid } : parsed;
}

/** Messages in stream order: unreadable ones and invalid payloads are parked where they are, the others committed in runs. */
export async function handleBatch(ctx: RunnerContext, msgs: readonly JsMsg[]): Promise<void> {
  let run: Delivered[] = [];
  for (const msg of msgs) {
    const read = readEnvelope(ctx, msg);
    if (read.ok) {
      run.push({ msg, event: read.envelope });
      continue;
    }
    await handleRun(ctx, run);
    run = [];
    if (ctx.sleeper.isStopped) msg.nak();
    else await park(ctx, msg, read.envelope, read.error, 1);
  }
  await handleRun(ctx, run);
}

/** Whether the projection acts on `event` (see Projection.eventTypes). */
function applies(ctx: RunnerContext, event: EventEnvelope): boolean {
  const types = ctx.o.projection.eventTypes;
  return types === undefined || types.includes(event.type);
}

/** Parsed messages, in order: one transaction for all of them, or, if it fails, split around the failing event. */
async function handleRun(ctx: RunnerContext, run: readonly Delivered[]): Promise<void> {
  if (run.length === 0) return;
  if (ctx.sleeper.isStopped) {
    for (const d of run) d.msg.nak();
    return;
  }
  if (run.length === 1) {
    await handleOne(ctx, run[0]!, 0);
    return;
  }
  const relevant = run.filter((d) => applies(ctx, d.event));
  const last = run[run.length - 1]!;
  if (relevant.length === 0) {
    // Nothing to apply or mark: moving the checkpoint past them is one statement, no transaction.
    try {
      await advanceCheckpoint(ctx.o.db, ctx.schema, ctx.name, last.msg.seq, last.event.id);
    } catch {
      for (const d of run) await handleRun(ctx, [d]);
      return;
    }
    await acknowledge(ctx, ...run);
    return;
  }
  let failing: number | undefined;
  try {
    await ctx.o.db.transaction().execute(async (trx) => {
      const claimed = await markProcessedMany(trx, ctx.schema, ctx.name, relevant.map((d) => ({ eventId: d.event.id, streamSeq: d.msg.seq })));
      const { projection } = ctx.o;
      if (projection.applyMany) {
        // One call for the batch: a failure is not attributable to an event (failing stays undefined), so it is retried one by one.
        const events = run.map((d) => d.event).filter((event) => claimed.delete(event.id));
        if (events.length > 0) await projection.applyMany(trx, events);
      } else {
        for (let i = 0; i < run.length; i++) {
          const { event } = run[i]!;
          if (!claimed.delete(event.id)) continue; // ignored type, processed before, or a duplicate in this batch
          failing = i;
          await projection.apply(trx, event);
        }
      }
      failing = undefined;
      await advanceCheckpoint(trx, ctx.schema, ctx.name, last.msg.seq, last.event.id);
    });
  } catch (error) {
    if (failing === undefined) {
      // Not attributable to one event (the connection, the marker or the checkpoint): one by one.
      for (const d of run) await handleRun(ctx, [d]);
      return;
    }
    const d = run[failing]!;
    if (!(error instanceof EventTooEarly)) ctx.logger.error(`projection ${ctx.name}: event ${d.event.id} (seq ${d.msg.seq}) failed in a batch, retrying it alone`, error);
    await handleRun(ctx, run.slice(0, failing));
    if (ctx.sleeper.isStopped) d.msg.nak();
    else await handleOne(ctx, d, isTransientError(error) ? 0 : 1);
    await handleRun(ctx, run.slice(failing + 1));
    return;
  }
  await acknowledge(ctx, ...run);
}

/** One message in its own transaction, retried in place; `priorFailures` non-transient failures already happened in a batch. */
async function handleOne(ctx: RunnerContext, { msg, event }: Delivered, priorFailures: number): Promise<void> {
  const seq = msg.seq;
  let failures = priorFailures;
  for (let attempt = priorFailures + 1; ; attempt++) {
    try {
      if (applies(ctx, event)) {
        await ctx.o.db.transaction().execute(async (trx) => {
          if (await markProcessed(trx, ctx.schema, ctx.name, event.id, seq)) await ctx.o.projection.apply(trx, event);
          await advanceCheckpoint(trx, ctx.schema, ctx.name, seq, event.id);
        });
      } else {
        await advanceCheckpoint(ctx.o.db, ctx.schema, ctx.name, seq, event.id);
      }
      break;
    } catch (error) {
      if (ctx.sleeper.isStopped) {
        msg.nak();
        return;
      }
      if (error instanceof EventTooEarly) {
        // Its predecessor is with another replica (or on its way): deliver it again shortly, to
        // whichever replica pulls then; this one goes on with what it holds. See event-too-early.ts.
        const deliveries = msg.info.redeliveryCount;
        if (deliveries < MAX_TOO_EARLY_DELIVERIES) {
          msg.nak(tooEarlyDelayMs(deliveries));
          return;
        }
        await park(ctx, msg, event, error, attempt);
        return;
      }
      if (!isTransientError(error) && ++failures >= (ctx.o.maxAttempts ?? 5)) {
        await park(ctx, msg, event, error, attempt);
        return;
      }
      ctx.logger.error(`projection ${ctx.name}: event ${event.id} (seq ${seq}) failed, retrying`, error);
      msg.working();
      await ctx.sleeper.sleep(backoffMs(attempt, { baseMs: 100, maxMs: 5_000 }));
    }
  }
  await acknowledge(ctx, { msg, event });
}

/**
 * After the commit: the test seam, then the ack. Without the seam the acks of a batch are sent
 * synchronously, so the NATS client writes them to the socket together.
 */
async function acknowledge(ctx: RunnerContext, ...delivered: readonly Delivered[]): Promise<void> {
  for (const { msg, event } of delivered) {
    if (ctx.o.beforeAck) {
      try {
        await ctx.o.beforeAck(event);
      } catch {
        continue; // the simulated crash: committed, never acked
      }
    }
    ctx.lastSeen = { seq: msg.seq, eventId: event.id };
    msg.ack();
  }
}
