import { createServer, request as httpRequest, Agent, type Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { MAX_REQUEST_BODY_BYTES } from '@pki/aws-protocol';
import type { PlatformConfig, ServiceClient } from '@pki/service-kit';
import { GatewayHandler } from './gateway.handler';

/**
 * A body over the 3 MB limit, sent over a real socket to the gateway's node:http listener: the
 * client must read the 413 (RequestEntityTooLargeException) rather than fail writing (EPIPE,
 * ECONNRESET) because the answer went out and the socket closed while it was still sending; and a
 * body of reasonable excess is drained, so the keep-alive connection serves the next request.
 * No service is called. Services are a recording stand-in (nothing here reaches NATS).
 */

const CONFIG: PlatformConfig = {
  nodeEnv: 'test',
  databaseUrl: 'postgres://unused',
  databasePoolSize: 1,
  natsUrl: 'nats://unused',
  natsServers: ['nats://unused'],
  natsPrefix: 'test',
  region: 'us-east-1',
  accessKeys: [{ accessKeyId: 'AKIDA', secretAccessKey: 'secret-a', accountId: '111111111111' }],
  publicUrl: 'http://pki.example.test',
  httpHost: '127.0.0.1',
  httpPort: 4566,
  healthPort: 8080,
  requestTimeoutMs: 1000,
};

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
  readonly reusedSocket: boolean;
}

function post(port: number, agent: Agent, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port, method: 'POST', path: '/', agent, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'ACMPrivateCA.ListCertificateAuthorities', 'content-length': String(body.length) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), reusedSocket: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('gateway: a request body over the limit', () => {
  let server: Server;
  let port: number;
  const calls: string[] = [];

  beforeAll(async () => {
    const services = { request: async (_s: string, operation: string) => (calls.push(operation), { ok: true, result: {} }) };
    const handler = new GatewayHandler(CONFIG, services as unknown as ServiceClient, () => new Date());
    server = createServer(handler.listener((_req, res) => res.writeHead(404).end()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('answers 413 RequestEntityTooLargeException to a client still sending, and keeps the connection for the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const big = Buffer.alloc(MAX_REQUEST_BODY_BYTES + 10, 0x61);
      const first = await post(port, agent, big);
      expect(first.status).toBe(413);
      expect(JSON.parse(first.body).__type).toBe('RequestEntityTooLargeException');
      expect(first.headers.connection).not.toBe('close');
      // Drained: the same socket carries the next request (unsigned, so refused by SigV4 with 403, but answered).
      const second = await post(port, agent, Buffer.from('{}'));
      expect(second.reusedSocket).toBe(true);
      expect(second.status).toBe(403);
      expect(calls).toEqual([]);
    } finally {
      agent.destroy();
    }
  });

  it('answers at once and closes the connection when the declared length is far beyond the limit', async () => {
    const socket = connect(port, '127.0.0.1');
    const text = await new Promise<string>((resolve, reject) => {
      let received = '';
      socket.on('data', (c: Buffer) => (received += c.toString('latin1')));
      socket.on('end', () => resolve(received));
      socket.on('error', reject);
      socket.write(`POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: ${100 * MAX_REQUEST_BODY_BYTES}\r\n\r\n{"pad":"`);
    });
    socket.destroy();
    expect(text).toMatch(/^HTTP\/1\.1 413 /);
    expect(text.toLowerCase()).toContain('connection: close');
    expect(text).toContain('RequestEntityTooLargeException');
  });
});
