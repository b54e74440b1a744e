/**
 * A TCP proxy between one service and the NATS server that can lose exactly one reply, to
 * test what a client sees when the network fails after a command committed but before its
 * answer left the service (no test hook in production code: the service talks real NATS).
 *
 * It forwards bytes both ways and reads the NATS client protocol on the way
 * (https://docs.nats.io/reference/reference-protocols/nats-protocol). Armed with a request
 * subject, it notes the reply subject of the next request delivered on that subject
 * (`MSG <subject> <sid> [reply-to] <#bytes>` / `HMSG`, server -> service), and when the service
 * publishes to that reply subject (`PUB <subject> [reply-to] <#bytes>` / `HPUB`, service ->
 * server) it forwards none of that frame: it reads the payload (kept for the test to inspect)
 * and destroys both sockets. It disarms after one cut and keeps accepting connections, so the
 * service's client reconnects as it would after any network failure.
 */
import net from 'node:net';

/** What the proxy swallowed: the reply the caller never got. */
export interface DroppedReply {
  readonly requestSubject: string;
  readonly replySubject: string;
  /** The reply's payload (headers stripped), UTF-8. */
  readonly payload: string;
}

interface ControlLine {
  readonly op: string;
  readonly subject?: string;
  readonly reply?: string;
  /** Bytes of the headers in HPUB / HMSG (part of the payload on the wire). */
  readonly headerBytes: number;
  /** Payload bytes that follow the line (headers included), without the trailing CRLF. */
  readonly payloadBytes: number;
}

type Unit = { readonly kind: 'line'; readonly bytes: Buffer; readonly line: ControlLine } | { readonly kind: 'payload'; readonly bytes: Buffer; readonly line: ControlLine; readonly last: boolean };

const MAX_LINE = 1024 * 1024;

/** Parses `PUB` / `HPUB` / `MSG` / `HMSG` lines (the ones followed by a payload); other ops carry none. */
function parseLine(text: string): ControlLine {
  const tokens = text.trim().split(/[ \t]+/);
  const op = (tokens[0] ?? '').toUpperCase();
  const last = Number(tokens[tokens.length - 1]);
  switch (op) {
    case 'PUB': // PUB <subject> [reply-to] <#bytes>
      return { op, subject: tokens[1], reply: tokens.length === 4 ? tokens[2] : undefined, headerBytes: 0, payloadBytes: last };
    case 'HPUB': // HPUB <subject> [reply-to] <#header bytes> <#total bytes>
      return { op, subject: tokens[1], reply: tokens.length === 5 ? tokens[2] : undefined, headerBytes: Number(tokens[tokens.length - 2]), payloadBytes: last };
    case 'MSG': // MSG <subject> <sid> [reply-to] <#bytes>
      return { op, subject: tokens[1], reply: tokens.length === 5 ? tokens[3] : undefined, headerBytes: 0, payloadBytes: last };
    case 'HMSG': // HMSG <subject> <sid> [reply-to] <#header bytes> <#total bytes>
      return { op, subject: tokens[1], reply: tokens.length === 6 ? tokens[3] : undefined, headerBytes: Number(tokens[tokens.length - 2]), payloadBytes: last };
    default:
      return { op, headerBytes: 0, payloadBytes: -1 };
  }
}

/**
 * One direction of the protocol, cut into control lines and payload pieces. Chunks split
 * anywhere: a control line is returned only once complete (its bytes held until then), a
 * payload in as many pieces as it arrives (so large bodies are not buffered).
 */
class ProtocolReader {
  private partial: Buffer[] = [];
  private partialBytes = 0;
  private payload: { line: ControlLine; left: number } | undefined;

  push(chunk: Buffer): Unit[] {
    const units: Unit[] = [];
    let offset = 0;
    while (offset < chunk.length) {
      if (this.payload) {
        // The payload and its trailing CRLF.
        const take = Math.min(this.payload.left, chunk.length - offset);
        this.payload.left -= take;
        units.push({ kind: 'payload', bytes: chunk.subarray(offset, offset + take), line: this.payload.line, last: this.payload.left === 0 });
        offset += take;
        if (this.payload.left === 0) this.payload = undefined;
        continue;
      }
      const newline = chunk.indexOf(0x0a, offset);
      if (newline < 0) {
        this.partial.push(chunk.subarray(offset));
        this.partialBytes += chunk.length - offset;
        if (this.partialBytes > MAX_LINE) throw new Error(`NATS control line longer than ${MAX_LINE} bytes`);
        break;
      }
      const bytes = Buffer.concat([...this.partial, chunk.subarray(offset, newline + 1)]);
      this.partial = [];
      this.partialBytes = 0;
      offset = newline + 1;
      const line = parseLine(bytes.toString('latin1'));
      if (line.payloadBytes >= 0 && !Number.isSafeInteger(line.payloadBytes)) throw new Error(`unreadable NATS control line ${JSON.stringify(bytes.toString('latin1'))}`);
      units.push({ kind: 'line', bytes, line });
      if (line.payloadBytes >= 0) this.payload = { line, left: line.payloadBytes + 2 };
    }
    return units;
  }
}

export class NatsCutProxy {
  /** Replies dropped so far (at most one per arm()). */
  readonly dropped: DroppedReply[] = [];
  /** Connections accepted so far (a reconnection after the cut adds one). */
  accepted = 0;
  private armedSubject: string | undefined;
  /** Reply subject -> request subject, for requests delivered while armed. */
  private readonly awaitedReplies = new Map<string, string>();
  private readonly sockets = new Set<net.Socket>();

  private constructor(
    private readonly server: net.Server,
    private readonly upstream: { host: string; port: number },
  ) {}

  /** Listens on a free port of 127.0.0.1 and forwards to `natsUrl` (nats://host:port). */
  static async start(natsUrl: string): Promise<NatsCutProxy> {
    const parsed = new URL(natsUrl.replace(/^nats:/, 'http:'));
    const server = net.createServer();
    const proxy = new NatsCutProxy(server, { host: parsed.hostname, port: Number(parsed.port || 4222) });
    server.on('connection', (socket) => proxy.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    return proxy;
  }

  get url(): string {
    return `nats://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** Drops the reply to the next request delivered on `requestSubject`, cutting that connection. */
  arm(requestSubject: string): void {
    this.armedSubject = requestSubject;
    this.awaitedReplies.clear();
  }

  get armed(): boolean {
    return this.armedSubject !== undefined;
  }

  async close(): Promise<void> {
    this.armedSubject = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    this.accepted++;
    const server = net.connect(this.upstream.port, this.upstream.host);
    const toServer = new ProtocolReader();
    const toClient = new ProtocolReader();
    let cut: { line: ControlLine; requestSubject: string; pieces: Buffer[]; done: boolean } | undefined;
    // Once the dropped frame is read (or either side closed first), record it and cut.
    const finishCut = () => {
      if (!cut || cut.done) return;
      cut.done = true;
      const body = Buffer.concat(cut.pieces);
      // The pieces end with the frame's CRLF; the headers (HPUB) come first.
      this.dropped.push({ requestSubject: cut.requestSubject, replySubject: cut.line.subject!, payload: body.subarray(cut.line.headerBytes, cut.line.payloadBytes).toString('utf8') });
      client.destroy();
      server.destroy();
    };

    for (const socket of [client, server]) {
      this.sockets.add(socket);
      socket.setNoDelay(true);
      socket.on('close', () => {
        this.sockets.delete(socket);
        finishCut();
        client.destroy();
        server.destroy();
      });
      socket.on('error', () => undefined);
    }
    client.on('data', (chunk: Buffer) => {
      let units: Unit[];
      try {
        units = toServer.push(chunk);
      } catch {
        client.destroy();
        return;
      }
      for (const unit of units) {
        if (cut) {
          // Nothing after the dropped frame's line reaches the server; keep the payload for the test.
          if (unit.kind === 'payload' && unit.line === cut.line) {
            cut.pieces.push(Buffer.from(unit.bytes));
            if (unit.last) return finishCut();
          }
          continue;
        }
        const requestSubject = unit.kind === 'line' && (unit.line.op === 'PUB' || unit.line.op === 'HPUB') ? this.awaitedReplies.get(unit.line.subject!) : undefined;
        if (unit.kind === 'line' && requestSubject !== undefined) {
          // One cut per arm(): the retried request after recovery must get through.
          this.armedSubject = undefined;
          this.awaitedReplies.clear();
          cut = { line: unit.line, requestSubject, pieces: [], done: false };
          // A line announcing an empty payload is followed by CRLF only; the reader still yields it.
          continue;
        }
        server.write(unit.bytes);
      }
    });
    server.on('data', (chunk: Buffer) => {
      if (cut) return;
      let units: Unit[];
      try {
        units = toClient.push(chunk);
      } catch {
        server.destroy();
        return;
      }
      for (const unit of units) {
        if (unit.kind === 'line' && this.armedSubject !== undefined && (unit.line.op === 'MSG' || unit.line.op === 'HMSG') && unit.line.subject === this.armedSubject && unit.line.reply) {
          this.awaitedReplies.set(unit.line.reply, unit.line.subject);
        }
      }
      client.write(chunk);
    });
  }
}
