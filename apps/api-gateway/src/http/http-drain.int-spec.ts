import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { HttpDrain } from './http-drain';

/** GET on a kept-alive agent: status, Connection header, body. */
function get(agent: Agent, port: number, path: string): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res: IncomingMessage) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, connection: res.headers.connection, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HttpDrain (graceful stop of the gateway HTTP server)', () => {
  let server: Server;
  let port: number;
  const sockets = new Set<Socket>();
  afterEach(() => server.closeAllConnections());

  beforeEach(async () => {
    server = createServer((req, res) => setTimeout(() => res.end(`done ${req.url}`), req.url === '/slow' ? 400 : 0));
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  it('closes idle kept-alive connections at once, answers requests in flight with Connection: close, and finishes promptly', async () => {
    const drain = new HttpDrain(server);
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    // Two connections: one left idle, one busy with a slow request when the stop begins.
    await Promise.all([get(agent, port, '/a'), get(agent, port, '/b')]);
    expect(sockets.size).toBe(2);
    const slow = get(agent, port, '/slow');
    await new Promise((resolve) => setTimeout(resolve, 100));

    const started = Date.now();
    const closing = drain.close(5000);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sockets.size).toBe(1); // the idle one is gone, the busy one stays
    expect(await slow).toEqual({ status: 200, connection: 'close', body: 'done /slow' });
    expect(await closing).toEqual({ inFlight: 1, cut: 0 }); // the server's close: no connection left
    for (let i = 0; i < 50 && sockets.size > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sockets.size).toBe(0);
    expect(Date.now() - started).toBeLessThan(1500);
    await expect(get(new Agent(), port, '/late')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    agent.destroy();
  });

  it('cuts connections still busy after the bound', async () => {
    server.removeAllListeners('request');
    server.on('request', () => undefined); // never answers
    const drain = new HttpDrain(server);
    const agent = new Agent({ keepAlive: true });
    const hung = get(agent, port, '/hang').catch((error: NodeJS.ErrnoException) => error.code);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = Date.now();
    expect(await drain.close(300)).toEqual({ inFlight: 1, cut: 1 });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(await hung).toBe('ECONNRESET');
    agent.destroy();
  });
});
