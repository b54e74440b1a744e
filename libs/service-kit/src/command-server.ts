import { Logger } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { commandSubject, DomainError, queueGroup, type CommandMessage, type Reply, type ServiceName } from '@pki/contracts';
import { decodeJson, encodeJson, isCommandMessage, WORKING } from './command-message';
import { measureCommand } from './command-metrics';
import { isNatsUnreachable } from './nats-connection';
import { observeCommand } from './telemetry/command-telemetry';

/** One operation a service answers: the input arrives validated by the gateway. */
export type CommandHandler = (message: CommandMessage) => Promise<unknown>;
export type CommandHandlers = Readonly<Record<string, CommandHandler>>;

export interface CommandServerOptions {
  /** The process's connection (owned, and drained, by whoever made it). */
  readonly nc: NatsConnection;
  readonly prefix: string;
  readonly service: ServiceName;
  readonly handlers: CommandHandlers;
  /** Longest time a graceful shutdown waits for in-flight requests (default 10 s). */
  readonly drainTimeoutMs?: number;
  /**
   * Whether a handler's error means a dependency is unreachable (e.g. Postgres down), answered
   * as Unavailable (AWS ServiceUnavailableException, 503, which SDKs retry) instead of Internal.
   * A NATS connection that is closed or reconnecting counts without being named here.
   */
  readonly isUnavailable?: (error: unknown) => boolean;
  /** How often each request held longer than WORKING_AFTER_MS is said to be in hand (default 1 s). */
  readonly workingIntervalMs?: number;
}

/** A request answered within this time costs no "working" message. */
export const WORKING_AFTER_MS = 250;
export const WORKING_INTERVAL_MS = 1000;

/** The error itself or any error in its `cause` chain (handlers wrap errors with context). */
function someCause(error: unknown, test: (error: unknown) => boolean): boolean {
  for (let e = error, depth = 0; e !== undefined && e !== null && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (test(e)) return true;
  }
  return false;
}

/**
 * The request/reply side of a service: one subscription per operation subject, all in the
 * service's queue group so any number of replicas share the load. A request is a
 * `CommandMessage` as JSON; the reply a `Reply` as JSON. A `DomainError` becomes a typed error
 * reply, anything else an Internal error whose details stay in this service's log.
 *
 * `stop()` stops taking requests (drains the subscriptions) and waits for the ones in flight, up
 * to the drain timeout; their replies still go out, since the connection is drained only afterwards.
 *
 * While a request is in hand for longer than WORKING_AFTER_MS, the server sends its caller an
 * empty "working" message every WORKING_INTERVAL_MS (one timer for all of them), so a caller
 * whose replica died holding its request learns it in seconds (ServiceClient). Quick requests,
 * the common case, cost nothing extra.
 */
export class CommandServer {
  private readonly log: Logger;
  private readonly subscriptions: Subscription[] = [];
  /** Requests in hand: their work, and when they arrived. */
  private readonly inFlight = new Map<Promise<void>, { readonly msg: Msg; readonly since: number }>();
  private working: NodeJS.Timeout | undefined;

  constructor(private readonly o: CommandServerOptions) {
    this.log = new Logger(`CommandServer:${o.service}`);
  }

  /** Subscribes every operation; resolves once the server knows the subscriptions. */
  async start(): Promise<void> {
    const queue = queueGroup(this.o.service);
    for (const [operation, handler] of Object.entries(this.o.handlers)) {
      const subscription = this.o.nc.subscribe(commandSubject(this.o.prefix, this.o.service, operation), {
        queue,
        callback: (error, msg) => {
          if (error) {
            this.log.error(`${operation} subscription failed: ${error.message}`);
            return;
          }
          this.track(msg, this.answer(operation, handler, msg));
        },
      });
      this.subscriptions.push(subscription);
    }
    this.working = setInterval(() => this.sayWorking(), this.o.workingIntervalMs ?? WORKING_INTERVAL_MS);
    this.working.unref();
    await this.o.nc.flush();
  }

  async stop(): Promise<void> {
    // Drain, not unsubscribe: a request the server routed here before it saw the UNSUB is still
    // answered instead of being dropped (its caller would wait for its whole timeout).
    await Promise.allSettled(this.subscriptions.splice(0).map((subscription) => subscription.drain()));
    if (this.inFlight.size > 0) {
      // The "working" messages go on while the last requests finish.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.o.drainTimeoutMs ?? 10_000)));
      await Promise.race([Promise.allSettled([...this.inFlight.keys()]), timeout]);
      clearTimeout(timer);
      if (this.inFlight.size > 0) this.log.warn(`${this.inFlight.size} request(s) still running after the drain timeout`);
    }
    clearInterval(this.working);
  }

  private track(msg: Msg, work: Promise<void>): void {
    this.inFlight.set(work, { msg, since: Date.now() });
    void work.finally(() => this.inFlight.delete(work));
  }

  private sayWorking(): void {
    const before = Date.now() - WORKING_AFTER_MS;
    for (const { msg, since } of this.inFlight.values()) {
      if (since > before || !msg.reply) continue;
      try {
        msg.respond(WORKING);
      } catch {
        // the connection is closing; the reply (or the caller's own watch) settles it
      }
    }
  }

  private async answer(operation: string, handler: CommandHandler, msg: Msg): Promise<void> {
    const data = decodeJson(msg.data);
    const requestId = isCommandMessage(data) ? data.requestId : undefined;
    const reply = await measureCommand('server', this.o.service, operation, () => observeCommand(this.o.service, operation, msg, requestId, () => this.run(operation, handler, data)));
    if (!msg.reply) return;
    try {
      msg.respond(encodeJson(reply));
    } catch (error) {
      // e.g. a result larger than the server's max_payload: the caller still gets an answer.
      this.log.error(`${operation}: the reply could not be sent`, error instanceof Error ? error.stack : String(error));
      const failure: Reply<never> = { ok: false, error: { kind: 'Internal', message: `The service could not send its answer to ${operation}.` } };
      try {
        msg.respond(encodeJson(failure));
      } catch {
        // the connection is gone; the caller times out
      }
    }
  }

  private async run(operation: string, handler: CommandHandler, data: unknown): Promise<Reply<unknown>> {
    if (!isCommandMessage(data)) return { ok: false, error: { kind: 'Malformed', message: `malformed ${operation} command envelope` } };
    if (typeof data.deadline === 'number' && Date.now() >= data.deadline) {
      return { ok: false, error: { kind: 'Unavailable', code: 'DeadlineExceeded', message: `The caller's deadline passed before ${operation} started; nothing was done.` } };
    }
    try {
      const result = await handler(data);
      return { ok: true, result: result ?? {} };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, error: error.toServiceError() };
      if (someCause(error, (e) => isNatsUnreachable(e) || (this.o.isUnavailable?.(e) ?? false))) {
        this.log.warn(`${operation} failed, a dependency is unreachable (request ${data.requestId}): ${error instanceof Error ? error.message : String(error)}`);
        return { ok: false, error: { kind: 'Unavailable', message: `The service cannot reach its database or message bus now; try again later (request id ${data.requestId}).` } };
      }
      this.log.error(`${operation} failed (request ${data.requestId})`, error instanceof Error ? error.stack : String(error));
      return { ok: false, error: { kind: 'Internal', message: `The service failed to process the request (request id ${data.requestId}).` } };
    }
  }
}

/**
 * Handlers for the operations a service owns but does not implement yet: a clear error,
 * never a made-up success.
 */
export function notImplementedHandlers(operations: readonly string[]): Record<string, CommandHandler> {
  return Object.fromEntries(
    operations.map((operation) => [
      operation,
      async () => {
        throw new DomainError('NotImplemented', `${operation} is not implemented by this platform yet.`, 'NotImplementedException');
      },
    ]),
  );
}
