import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { canConnect, freePort } from './free-port';
import { waitFor } from './wait-for';

const NATS_SERVER = process.env.NATS_SERVER_BIN ?? '/usr/sbin/nats-server';

export interface NatsServerProcess {
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  /** Sends a signal (default SIGKILL: no flush, the crash the fault tests need) and waits for exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts the server again on the same port and store dir (killing it first if still running). */
  restart(): Promise<void>;
  /** Clean shutdown and removal of the store dir. */
  stop(): Promise<void>;
}

/**
 * A private nats-server with JetStream for fault tests, on a spare port with its own store, so
 * a test can kill it without touching the shared server on 4222.
 */
export async function startNatsServer(
  opts: {
    port?: number;
    storeDir?: string;
    /** A configuration file to copy beside the server's and `include` (e.g. deploy/nats/public-events-auth.conf). */
    include?: string;
    /** The server's environment additions (variables its configuration reads, such as passwords). */
    env?: Record<string, string>;
  } = {},
): Promise<NatsServerProcess> {
  const port = opts.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'nats-test-'));
  const storeDir = opts.storeDir ?? join(dir, 'jetstream');
  const configFile = join(dir, 'nats.conf');
  // max_payload mirrors production (certificates and CRLs can be large).
  const lines = [`listen: 127.0.0.1:${port}`, 'max_payload: 8388608', `jetstream { store_dir: ${JSON.stringify(storeDir)} }`];
  if (opts.include) {
    // nats-server resolves includes relative to the including file.
    await copyFile(opts.include, join(dir, basename(opts.include)));
    lines.push(`include ${JSON.stringify(basename(opts.include))}`);
  }
  await writeFile(configFile, [...lines, ''].join('\n'));

  let child: ChildProcess | undefined;
  let output = '';

  const launch = async () => {
    const proc = spawn(NATS_SERVER, ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
    child = proc;
    proc.stdout?.on('data', (d) => (output = (output + d).slice(-4000)));
    proc.stderr?.on('data', (d) => (output = (output + d).slice(-4000)));
    await waitFor(async () => (proc.exitCode === null ? canConnect('127.0.0.1', port, 200) : Promise.reject(new Error(`nats-server exited: ${output}`))), {
      timeoutMs: 15_000,
      what: `nats-server on port ${port}`,
    });
  };

  const kill = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill(signal);
    await exited;
  };

  await launch();
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    kill,
    async restart() {
      await kill('SIGKILL');
      await launch();
    },
    async stop() {
      await kill('SIGTERM');
      await rm(dir, { recursive: true, force: true });
    },
  };
}
