import { Logger } from '@nestjs/common';
import { ServerNats } from '@nestjs/microservices';
import {
  commandSubject,
  DomainError,
  queueGroup,
  type CommandMessage,
  type Reply,
  type ServiceName,
} from '@pki/contracts';

/** One operation a service answers: the input arrives validated by the gateway. */
export type CommandHandler = (message: CommandMessage) => Promise<unknown>;
export type CommandHandlers = Readonly<Record<string, CommandHandler>>;

export interface CommandServerOptions {
  readonly natsUrl: string;
  readonly prefix: string;
  readonly service: ServiceName;
  readonly handlers: CommandHandlers;
  /** Longest time a graceful shutdown waits for in-flight requests. */
  readonly drainTimeoutMs?: number;
}

function isCommandMessage(value: unknown): value is CommandMessage {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as Partial<CommandMessage>;
  return (
    typeof message.requestId === 'string' &&
    typeof message.caller === 'object' &&
    message.caller !== null &&
    typeof message.caller.accountId === 'string' &&
    typeof message.caller.accessKeyId === 'string'
  );
}

/**
 * The NATS request/reply side of a service, on Nest's NATS transport: one subscription per
 * operation subject, all in the service's queue group so any number of replicas share the
 * load. Handlers answer a `Reply` envelope; a `DomainError` becomes a typed error reply and
 * anything else an Internal error whose details stay in this service's log.
 *
 * Shutdown stops taking requests, waits for the ones in flight, then drains the connection.
 */
export class CommandServer extends ServerNats {
  private readonly log: Logger;
  private inFlight = 0;
  private idle: (() => void) | undefined;

  constructor(private readonly config: CommandServerOptions) {
    super({
      servers: [config.natsUrl],
      queue: queueGroup(config.service),
      name: `pki-${config.service}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    this.log = new Logger(`CommandServer:${config.service}`);
    for (const [operation, handler] of Object.entries(config.handlers)) {
      this.addHandler(commandSubject(config.prefix, config.service, operation), (data: unknown) => this.run(operation, handler, data));
    }
  }

  private async run(operation: string, handler: CommandHandler, data: unknown): Promise<Reply<unknown>> {
    this.inFlight++;
    try {
      if (!isCommandMessage(data)) {
        return { ok: false, error: { kind: 'Malformed', message: `malformed ${operation} command envelope` } };
      }
      const result = await handler(data);
      return { ok: true, result: result ?? {} };
    } catch (error) {
      if (error instanceof DomainError) return { ok: false, error: error.toServiceError() };
      const requestId = isCommandMessage(data) ? data.requestId : 'unknown';
      this.log.error(`${operation} failed (request ${requestId})`, error instanceof Error ? error.stack : String(error));
      return { ok: false, error: { kind: 'Internal', message: `The service failed to process the request (request id ${requestId}).` } };
    } finally {
      this.inFlight--;
      if (this.inFlight === 0 && this.idle) this.idle();
    }
  }

  override async close(): Promise<void> {
    const internals = this as unknown as { natsClient?: { drain(): Promise<void> } | null; subscriptions: Array<{ unsubscribe(): void }> };
    const client = internals.natsClient;
    for (const sub of internals.subscriptions) sub.unsubscribe();
    if (this.inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.drainTimeoutMs ?? 10000);
        this.idle = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (client) {
      try {
        await client.drain();
      } catch {
        // already closed
      }
    }
    (this as unknown as { natsClient: unknown }).natsClient = null;
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
