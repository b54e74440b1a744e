import { Logger } from '@nestjs/common';
import type { Msg, NatsConnection, Subscription } from 'nats';
import { commandSubject, DomainError, queueGroup, type CommandMessage, type Reply, type ServiceName } from '@pki/contracts';
import { decodeJson, encodeJson, isCommandMessage } from './command-message';

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
}

/**
 * The request/reply side of a service: one subscription per operation subject, all in the
 * service's queue group so any number of replicas share the load. A request is a
 * `CommandMessage` as JSON; the reply a `Reply` as JSON. A `DomainError` becomes a typed error
 * reply, anything else an Internal error whose details stay in this service's log.
 *
 * `stop()` stops taking requests (drains the subscriptions) and waits for the ones in flight, up
 * to the drain timeout; their replies still go out, since the connection is drained only afterwards.
 */
export class CommandServer {
  private readonly log: Logger;
  private readonly subscriptions: Subscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();

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
          this.track(this.answer(operation, handler, msg));
        },
      });
      this.subscriptions.push(subscription);
    }
    await this.o.nc.flush();
  }

  async stop(): Promise<void> {
    // Drain, not unsubscribe: a request the server routed here before it saw the UNSUB is still
    // answered instead of being dropped (its caller would wait for its whole timeout).
    await Promise.allSettled(this.subscriptions.splice(0).map((subscription) => subscription.drain()));
    if (this.inFlight.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, this.o.drainTimeoutMs ?? 10_000)));
    await Promise.race([Promise.allSettled([...this.inFlight]), timeout]);
    clearTimeout(timer);
    if (this.inFlight.size > 0) this.log.warn(`${this.inFlight.size} request(s) still running after the drain timeout`);
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async answer(operation: string, handler: CommandHandler, msg: Msg): Promise<void> {
    const reply = await this.run(operation, handler, decodeJson(msg.data));
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
    try {
      const result = await handler(data);
      return { ok: true, result: result ?? {} };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, error: error.toServiceError() };
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
