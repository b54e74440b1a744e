import type { JsMsg } from 'nats';
import type { EventEnvelope } from '@pki/contracts';
import { backoffMs } from '../util/backoff';
import { advanceCheckpoint, insertParked, markProcessed } from './projection.queries';
import type { RunnerContext } from './runner-context';

/**
 * Terminates a poison message and records it where an operator sees it (and marks it
 * processed, so a redelivery is skipped); the checkpoint moves past it in the same transaction.
 */
export async function park(ctx: RunnerContext, msg: JsMsg, event: EventEnvelope | null, error: unknown, attempts: number): Promise<void> {
  const reason = error instanceof Error ? error.message : String(error);
  for (let attempt = 1; !ctx.sleeper.isStopped; attempt++) {
    try {
      await ctx.o.db.transaction().execute(async (trx) => {
        await insertParked(trx, ctx.schema, {
          projection: ctx.name,
          stream_seq: String(msg.seq),
          event_id: event?.id ?? msg.headers?.get('Nats-Msg-Id') ?? null,
          subject: msg.subject,
          payload: msg.string(),
          error: reason,
          attempts,
        });
        if (event) await markProcessed(trx, ctx.schema, ctx.name, event.id, msg.seq);
        await advanceCheckpoint(trx, ctx.schema, ctx.name, msg.seq, event?.id ?? null);
      });
      ctx.logger.error(`projection ${ctx.name}: parked message seq ${msg.seq} after ${attempts} attempt(s): ${reason}`);
      // No reason argument: nats-server 2.9 ignores `+TERM <reason>`; the reason is in the parked row.
      msg.term();
      return;
    } catch (parkError) {
      ctx.logger.error(`projection ${ctx.name}: could not park seq ${msg.seq}, retrying`, parkError);
      msg.working();
      await ctx.sleeper.sleep(backoffMs(attempt));
    }
  }
  msg.nak();
}
