import { createServer } from 'node:net';

/** Whether 127.0.0.1:port can be listened on now. */
function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** Ports below Linux's ephemeral range (32768-60999), one block per Jest worker. */
const WORKER_PORT_BASE = 20_000;
const WORKER_PORT_BLOCK = 2_000;
let nextInBlock = Math.floor(Math.random() * WORKER_PORT_BLOCK);

/**
 * A TCP port that was free a moment ago on 127.0.0.1, for a process the test is about to start.
 * Under Jest each worker takes its ports from a block of its own below the ephemeral range, so
 * neither another worker's `freePort` nor a port the OS hands out for `listen(0)` can give the
 * same port to two processes between this check and their bind (the OS's own pick could: a
 * stack then found another suite's server on its port). Elsewhere the OS picks.
 */
export async function freePort(): Promise<number> {
  const worker = Number(process.env.JEST_WORKER_ID);
  if (Number.isInteger(worker) && worker > 0) {
    const base = WORKER_PORT_BASE + ((worker - 1) % 6) * WORKER_PORT_BLOCK;
    for (let i = 0; i < WORKER_PORT_BLOCK; i++) {
      const port = base + (nextInBlock++ % WORKER_PORT_BLOCK);
      if (await bindable(port)) return port;
    }
  }
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on host:port. */
export async function canConnect(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
