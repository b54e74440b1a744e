import { createInbox, ErrorCode, type Msg, type MsgHdrs, type NatsConnection, type NatsError } from 'nats';
import { commandSubject, isSafeToRetry, type CommandMessage, type Reply, type ServiceName } from '@pki/contracts';
import { decodeJson, encodeJson, isReply, isWorking } from './command-message';
import { measureCommand } from './command-metrics';
import { commandHeaders, traceCommandRequest } from './telemetry/command-telemetry';

export interface ServiceClientOptions {
  /**
   * How long a request may go without a word from the replica that took it before that replica
   * counts as lost (default 3 s). A CommandServer says "still working" about every second
   * (WORKING_INTERVAL_MS) for each request it holds longer than a moment.
   */
  readonly lostAfterMs?: number;
}

type Outcome = { readonly kind: 'reply'; readonly msg: Msg } | { readonly kind: 'no-responders' | 'timeout' | 'lost' | 'cancelled' };

/** Per request: a caller's own deadline (shorter than the client's timeout) and cancellation. */
export interface RequestOptions {
  /** Stop waiting after this many milliseconds when that is sooner than the client's timeout. */
  readonly timeoutMs?: number;
  /** Stop waiting when aborted (the caller went away). The service may still finish the command. */
  readonly signal?: AbortSignal;
}

interface Pending {
  /** When the request was sent, or when its replica last said it was working on it. */
  heardAt: number;
  readonly settle: (outcome: Outcome) => void;
}

const DEFAULT_LOST_AFTER_MS = 3000;

/**
 * Request/reply to a service over NATS (the gateway to every service, and service to service,
 * e.g. issuance-service asking ca-service for a signature), on the process's one connection.
 * The request is a `CommandMessage` as JSON, the reply a `Reply` (the CommandServer's format).
 *
 * Replies come back on one inbox subscription of this client (`<inbox>.<token>`), as NATS's own
 * muxed request does; unlike it, a request may get "working" messages before its reply, so the
 * client notices a replica that died holding a request (SIGKILL, a lost machine) within
 * `lostAfterMs` instead of waiting out the whole timeout. A lost read is sent once more (it
 * then goes to another replica of the queue group); a lost write is not (`isSafeToRetry`), it
 * fails fast with a retryable Unavailable error. A service with no replica subscribed answers at
 * once (NATS "no responders"). Transport failures become Unavailable / Malformed replies.
 */
export class ServiceClient {
  private readonly lostAfterMs: number;
  private readonly pending = new Map<string, Pending>();
  private inbox: string | undefined;
  private nextToken = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private lastTick = 0;

  constructor(
    private readonly nc: NatsConnection,
    private readonly prefix: string,
    private readonly timeoutMs: number,
    options: ServiceClientOptions = {},
  ) {
    this.lostAfterMs = options.lostAfterMs ?? DEFAULT_LOST_AFTER_MS;
  }

  /**
   * Sends a command and waits for its reply. With `options.timeoutMs` (a gRPC caller's deadline)
   * the wait is the shorter of that and the client's timeout, and the command carries the
   * deadline so that a service that gets it too late does not start it.
   */
  request<T>(service: ServiceName, operation: string, message: CommandMessage, options: RequestOptions = {}): Promise<Reply<T>> {
    return measureCommand('client', service, operation, () => traceCommandRequest(service, operation, () => this.send<T>(service, operation, message, commandHeaders(message.requestId), options)));
  }

  private async send<T>(service: ServiceName, operation: string, message: CommandMessage, headers: MsgHdrs, options: RequestOptions): Promise<Reply<T>> {
    const subject = commandSubject(this.prefix, service, operation);
    const sentAt = Date.now();
    const callerDeadline = options.timeoutMs === undefined ? undefined : sentAt + Math.max(0, options.timeoutMs);
    const clientDeadline = sentAt + this.timeoutMs;
    const deadline = Math.min(clientDeadline, callerDeadline ?? Infinity);
    try {
      const data = encodeJson(callerDeadline === undefined ? message : { ...message, deadline: callerDeadline });
      let outcome = await this.attempt(subject, data, headers, deadline, options.signal);
      if (outcome.kind === 'lost' && isSafeToRetry(service, operation)) outcome = await this.attempt(subject, data, headers, deadline, options.signal);
      switch (outcome.kind) {
        case 'reply': {
          const decoded = decodeJson(outcome.msg.data);
          if (isReply(decoded)) return decoded as Reply<T>;
          return { ok: false, error: { kind: 'Internal', message: `The ${service} service failed to answer ${operation}.` } };
        }
        case 'no-responders':
          return { ok: false, error: { kind: 'Unavailable', message: `The ${service} service is not available; try again later.` } };
        case 'timeout':
          // Which bound the wait had, not Date.now() against the deadline: a timer may fire a
          // millisecond before Date.now() reaches it (monotonic vs wall clock, both floored).
          if (callerDeadline !== undefined && callerDeadline <= clientDeadline) {
            return { ok: false, error: { kind: 'Unavailable', code: 'DeadlineExceeded', message: `The deadline passed before the ${service} service answered ${operation}.` } };
          }
          return { ok: false, error: { kind: 'Unavailable', message: `The ${service} service did not answer in time; try again later.` } };
        case 'cancelled':
          return { ok: false, error: { kind: 'Unavailable', code: 'Cancelled', message: `${operation} was cancelled by the caller.` } };
        case 'lost':
          return { ok: false, error: { kind: 'Unavailable', message: `The ${service} service went silent while handling ${operation}; try again later.` } };
        default: {
          const _exhaustive: never = outcome;
          throw new Error(`unknown outcome ${JSON.stringify(_exhaustive)}`);
        }
      }
    } catch (error) {
      const code = (error as NatsError).code;
      if (code === ErrorCode.MaxPayloadExceeded) {
        return { ok: false, error: { kind: 'Malformed', code: 'RequestEntityTooLarge', message: 'The request is too large.' } };
      }
      if (code === ErrorCode.ConnectionClosed || code === ErrorCode.ConnectionDraining) {
        return { ok: false, error: { kind: 'Unavailable', message: `The ${service} service cannot be reached now; try again later.` } };
      }
      throw error;
    }
  }

  /** One copy of the request, answered by its reply, "no responders", the deadline or a lost replica. */
  private attempt(subject: string, data: string, headers: MsgHdrs, deadline: number, signal?: AbortSignal): Promise<Outcome> {
    if (signal?.aborted) return Promise.resolve({ kind: 'cancelled' });
    const inbox = this.replyInbox();
    const token = (this.nextToken++).toString(36);
    return new Promise<Outcome>((resolve, reject) => {
      const timer = setTimeout(() => settle({ kind: 'timeout' }), Math.max(0, deadline - Date.now()));
      const cancel = () => settle({ kind: 'cancelled' });
      signal?.addEventListener('abort', cancel, { once: true });
      const forget = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', cancel);
        if (this.pending.delete(token) && this.pending.size === 0) this.stopWatchdog();
      };
      const settle = (outcome: Outcome) => {
        forget();
        resolve(outcome);
      };
      this.pending.set(token, { heardAt: Date.now(), settle });
      this.startWatchdog();
      try {
        this.nc.publish(subject, data, { reply: `${inbox}.${token}`, headers });
      } catch (error) {
        forget();
        reject(error);
      }
    });
  }

  /** The client's one reply subscription, made on first use. */
  private replyInbox(): string {
    if (this.inbox) return this.inbox;
    const inbox = createInbox();
    this.nc.subscribe(`${inbox}.*`, { callback: (error, msg) => (error ? undefined : this.onMessage(inbox, msg)) });
    this.inbox = inbox;
    return inbox;
  }

  private onMessage(inbox: string, msg: Msg): void {
    const pending = this.pending.get(msg.subject.slice(inbox.length + 1));
    if (!pending) return;
    if (msg.data.length === 0 && msg.headers?.code === 503) return pending.settle({ kind: 'no-responders' });
    if (isWorking(msg)) {
      pending.heardAt = Date.now();
      return;
    }
    pending.settle({ kind: 'reply', msg });
  }

  /** One timer for all requests in flight, running only while there are some. */
  private startWatchdog(): void {
    if (this.watchdog) return;
    const interval = Math.max(50, Math.min(500, Math.floor(this.lostAfterMs / 4)));
    this.lastTick = Date.now();
    this.watchdog = setInterval(() => this.checkForLostReplicas(interval), interval);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    clearInterval(this.watchdog);
    this.watchdog = undefined;
  }

  private checkForLostReplicas(interval: number): void {
    const now = Date.now();
    const late = now - this.lastTick > interval + 1000;
    this.lastTick = now;
    for (const pending of this.pending.values()) {
      // This process was busy (its event loop blocked): messages that arrived meanwhile are still
      // queued behind this timer, so count from now rather than blame the replica.
      if (late) pending.heardAt = now;
      else if (now - pending.heardAt > this.lostAfterMs) pending.settle({ kind: 'lost' });
    }
  }
}
