/**
 * `GET /events`: the public event feed as Server-Sent Events (issue #15), for subscribers outside
 * NATS. SigV4 with the credential scope's service `events` (`curl --aws-sigv4
 * aws:amz:<region>:events --user KEY:SECRET`); the caller's account's events only.
 *
 * Each stream reads the public JetStream stream through its own ordered consumer (ephemeral, no
 * acknowledgements), filtered on the caller's account, from the request's start
 * (events-request.ts). `id:` is the event's stream sequence: a client that reconnects with
 * `Last-Event-ID` continues right after it, to whichever gateway replica it reaches, with no gap
 * and no repeat. A comment every `keepAliveMs` keeps proxies from closing an idle stream. A reader
 * slower than the feed is not buffered without bound: past `maxBufferedBytes` unsent, it gets an
 * `event: error` naming the id to resume from, and the connection ends. When the gateway stops,
 * every stream ends the same way, so clients reconnect to another replica.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Logger } from '@nestjs/common';
import { DeliverPolicy, type ConsumerMessages, type NatsConnection } from 'nats';
import { restJsonError, verifySigV4, type AwsError, type SigV4Options } from '@pki/aws-protocol';
import type { PublicEvent } from '@pki/contracts';
import type { GatewayRequest } from '../routing/http-types';
import { eventMatches, eventsFilterSubject, isEventsRequest, parseEventsRequest, sseError, sseMessage, type EventsRequest } from './events-request';

export interface EventsRouteOptions {
  readonly nc: NatsConnection;
  readonly prefix: string;
  /** PKI_PUBLIC_EVENTS_STREAM. */
  readonly stream: string;
  /** Default 15 s. */
  readonly keepAliveMs?: number;
  /** Unsent bytes a reader may fall behind by before its stream is ended (default 1 MiB). */
  readonly maxBufferedBytes?: number;
}

interface OpenStream {
  end(code: string, message: string): void;
}

export class EventsRoute {
  private readonly log = new Logger('EventsRoute');
  private readonly open = new Set<OpenStream>();
  private closing = false;

  constructor(private readonly o: EventsRouteOptions) {}

  static matches(method: string, rawPath: string): boolean {
    return method === 'GET' && rawPath === '/events';
  }

  /** Streams currently open (for tests and the drain log). */
  get openStreams(): number {
    return this.open.size;
  }

  /**
   * Ends every open stream with an `event: error` saying the gateway is stopping (clients
   * reconnect with Last-Event-ID, to another replica); new requests are refused with 503.
   */
  closeAll(): void {
    this.closing = true;
    for (const stream of [...this.open]) stream.end('ServiceUnavailable', 'This gateway is stopping; reconnect with Last-Event-ID to continue.');
  }

  /**
   * Answers the request: an error response, or a stream that lasts until the client or the
   * gateway ends it. SigV4 as for the API (`sigV4`, the gateway's), with `events` as the only
   * signing name.
   */
  async handle(req: IncomingMessage, res: ServerResponse, request: GatewayRequest, requestId: string, sigV4: SigV4Options): Promise<void> {
    const refuse = (error: AwsError) => {
      const wire = restJsonError(error, { requestId });
      res.statusCode = wire.status;
      for (const [name, value] of Object.entries(wire.headers)) res.setHeader(name, value);
      res.end(wire.body);
    };
    const auth = verifySigV4(request, { ...sigV4, allowedServices: ['events'] });
    if (!auth.ok) return refuse({ code: auth.code, message: auth.message, status: auth.status });
    const parsed = parseEventsRequest(request.rawQuery, request.headers['last-event-id'], auth.accountId, auth.region);
    if (!isEventsRequest(parsed)) return refuse(parsed);
    if (this.closing) return refuse({ code: 'ServiceUnavailable', message: 'This gateway is stopping; connect again (to another replica).', status: 503 });

    let messages: ConsumerMessages;
    try {
      messages = await this.consume(parsed);
    } catch (error) {
      this.log.error(`GET /events: cannot read ${this.o.stream}`, error instanceof Error ? error.stack : String(error));
      return refuse({
        code: 'ServiceUnavailable',
        message: `The event feed (JetStream stream ${this.o.stream}) cannot be read now: ${error instanceof Error ? error.message : String(error)}. Try again shortly.`,
        status: 503,
      });
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      // nginx and ingress-nginx buffer responses unless told otherwise.
      'X-Accel-Buffering': 'no',
      'x-amzn-RequestId': requestId,
    });
    // How long an EventSource waits before reconnecting after the stream ends.
    res.write('retry: 1000\n\n');
    await this.pump(req, res, parsed, messages);
  }

  /** The feed from the request's start, filtered on its account (and detail type when one): also read by gRPC StreamEvents and WatchCertificate. */
  async consume(request: EventsRequest): Promise<ConsumerMessages> {
    const filterSubjects = eventsFilterSubject(this.o.prefix, request);
    const start = request.start;
    const consumer = await this.o.nc.jetstream().consumers.get(
      this.o.stream,
      start.kind === 'after'
        ? { filterSubjects, opt_start_seq: start.seq + 1 }
        : start.kind === 'since'
          ? { filterSubjects, deliver_policy: DeliverPolicy.StartTime, opt_start_time: start.time.toISOString() }
          : { filterSubjects, deliver_policy: DeliverPolicy.New },
    );
    return consumer.consume({ max_messages: 100 });
  }

  private async pump(req: IncomingMessage, res: ServerResponse, request: EventsRequest, messages: ConsumerMessages): Promise<void> {
    const maxBuffered = this.o.maxBufferedBytes ?? 1024 * 1024;
    let lastSent: number | undefined = request.start.kind === 'after' ? request.start.seq : undefined;
    let ended = false;
    const stream: OpenStream = {
      end: (code, message) => {
        if (ended) return;
        ended = true;
        if (!res.writableEnded) res.end(sseError(code, lastSent === undefined ? message : `${message} Last-Event-ID: ${lastSent}.`));
        void messages.close();
      },
    };
    this.open.add(stream);
    const keepAlive = setInterval(() => {
      if (!ended) res.write(': keep-alive\n\n');
    }, this.o.keepAliveMs ?? 15_000);
    const stop = () => {
      ended = true;
      void messages.close();
    };
    req.once('close', stop);
    res.once('close', stop);
    try {
      for await (const m of messages) {
        if (ended) break;
        let event: PublicEvent;
        try {
          event = m.json<PublicEvent>();
        } catch {
          continue; // not an event of the feed's contract: nothing a subscriber could read
        }
        if (!eventMatches(request, event)) continue;
        res.write(sseMessage(m.seq, event));
        lastSent = m.seq;
        if (res.writableLength > maxBuffered) {
          stream.end('SlowConsumer', `The client reads more slowly than events arrive (over ${maxBuffered} bytes unsent); reconnect with Last-Event-ID to continue.`);
          break;
        }
      }
    } catch (error) {
      this.log.error('GET /events: the stream failed', error instanceof Error ? error.stack : String(error));
      stream.end('ServiceUnavailable', 'The event feed could not be read; reconnect with Last-Event-ID to continue.');
    } finally {
      clearInterval(keepAlive);
      this.open.delete(stream);
      if (!res.writableEnded) res.end();
    }
  }
}
