/**
 * EventsRoute against real NATS JetStream and a real HTTP connection: a reader that stops reading
 * is not buffered without bound. Its stream ends with `event: error` (SlowConsumer, naming the
 * Last-Event-ID to resume from) once more than maxBufferedBytes are unsent, and the route lets go
 * of it.
 */
import { createServer, type Server } from 'node:http';
import { connect as connectTcp, type Socket } from 'node:net';
import { connect, type NatsConnection } from 'nats';
import { SignatureV4 } from '@smithy/signature-v4';
import { caPublicEvent, publicEventsWildcard, publicEventSubject } from '@pki/contracts';
import { assertNatsReachable, cleanupNatsPrefix, Sha256, testNatsUrl, uniquePrefix, waitFor } from '@pki/testing';
import { EventsRoute } from './events.route';

const ACCOUNT = '111122223333';
const KEY = { accessKeyId: 'AKIDEVENTS', secretAccessKey: 'events-secret', accountId: ACCOUNT };
const CA = `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/11111111-2222-3333-4444-555555555555`;

describe('GET /events (EventsRoute, real JetStream)', () => {
  let nc: NatsConnection;
  let prefix: string;
  let server: Server;
  let route: EventsRoute;
  const stream = () => `${prefix}_PUBLIC_EVENTS`.toUpperCase().replace(/-/g, '_');

  beforeAll(async () => {
    await assertNatsReachable();
    nc = await connect({ servers: testNatsUrl() });
    prefix = uniquePrefix();
    // The stream as the services' relays create it (libs/eventstore ensure-public-stream.ts), which the gateway only reads.
    await (await nc.jetstreamManager()).streams.add({ name: stream(), subjects: [publicEventsWildcard(prefix)] });
    // 4,000 events of ~2 KB: far more than the socket buffers hold.
    const js = nc.jetstream();
    const padding = 'x'.repeat(1800);
    for (let i = 0; i < 4000; i += 200) {
      await Promise.all(
        Array.from({ length: 200 }, (_, j) => {
          const event = caPublicEvent(`00000000-0000-4000-8000-${String(i + j).padStart(12, '0')}`, 'ACM Private CA Creation', CA, '2026-12-07T00:00:00Z', [CA], { result: 'success', padding });
          return js.publish(publicEventSubject(prefix, event), JSON.stringify(event), { msgID: event.id });
        }),
      );
    }
    route = new EventsRoute({
      nc,
      prefix,
      stream: stream(),
      maxBufferedBytes: 64 * 1024,
    });
    server = createServer((req, res) => {
      const q = (req.url ?? '').indexOf('?');
      const rawPath = q < 0 ? req.url! : req.url!.slice(0, q);
      const rawQuery = q < 0 ? '' : req.url!.slice(q + 1);
      const sigV4 = { region: 'us-east-1', now: () => new Date(), credentials: (id: string) => (id === KEY.accessKeyId ? KEY : undefined), allowedServices: ['acm-pca'] };
      void route.handle(req, res, { method: req.method!, rawPath, rawQuery, headers: req.headers, body: Buffer.alloc(0) }, 'test-request', sigV4);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  }, 120_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await cleanupNatsPrefix(nc, prefix).catch(() => undefined);
    await nc?.close();
  });

  it('ends the stream of a reader that stops reading with SlowConsumer and the id to resume from', async () => {
    const port = (server.address() as { port: number }).port;
    const signer = new SignatureV4({ service: 'events', region: 'us-east-1', credentials: KEY, sha256: Sha256 as never });
    const signed = await signer.sign({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port, path: '/events', query: { since: '2000-01-01T00:00:00Z' }, headers: { host: `127.0.0.1:${port}` } });
    const socket: Socket = connectTcp(port, '127.0.0.1');
    await new Promise((resolve) => socket.once('connect', resolve));
    const head = Object.entries(signed.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n');
    socket.write(`GET /events?since=2000-01-01T00%3A00%3A00Z HTTP/1.1\r\n${head}\r\n\r\n`);
    // The reader reads nothing while the gateway writes.
    socket.pause();
    await waitFor(async () => route.openStreams === 1, { what: 'the stream to open' });
    await waitFor(async () => route.openStreams === 0, { what: 'the route to end the stream of the slow reader', timeoutMs: 30_000 });

    // Now read what was sent: events, then the error with the Last-Event-ID of the last event sent.
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.resume();
    await new Promise((resolve) => socket.once('end', resolve));
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThan(4000);
    expect(ids).toEqual(ids.map((_, i) => i + 1));
    const error = /event: error\ndata: (.*)\n\n/.exec(text);
    expect(JSON.parse(error![1]!)).toEqual({ code: 'SlowConsumer', message: expect.stringMatching(new RegExp(`more slowly than events arrive .* Last-Event-ID: ${ids[ids.length - 1]}\\.$`)) });
    socket.destroy();
  }, 60_000);
});
