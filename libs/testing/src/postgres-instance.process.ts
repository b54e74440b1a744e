import { execFile } from 'node:child_process';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port';

const run = promisify(execFile);
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

export interface PostgresInstance {
  readonly url: string;
  readonly port: number;
  /** `pg_ctl stop -m immediate`: every backend is killed, recovery replays the WAL on start (a crash). */
  stopImmediate(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

/**
 * A private Postgres cluster for fault tests (own data dir, spare port), so a test can crash
 * it without touching the shared server on 5432. Tests run as root and Postgres refuses to,
 * hence `runuser -u postgres`.
 */
export async function startPostgresInstance(opts: { port?: number } = {}): Promise<PostgresInstance> {
  const port = opts.port ?? (await freePort());
  const dir = await mkdtemp(join(tmpdir(), 'pg-test-'));
  const dataDir = join(dir, 'data');
  const { uid, gid } = await postgresUser();
  await chown(dir, uid, gid);
  const asPostgres = (bin: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args], { timeout: 60_000 });

  await asPostgres('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  // fsync off keeps the suite fast; an immediate shutdown kills processes, not the OS, so
  // written WAL still survives and crash recovery is exercised for real.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  const start = () => asPostgres('pg_ctl', ['start', '-w', '-D', dataDir, '-l', join(dir, 'postgres.log'), '-o', options]).then(() => undefined);
  const stop = (mode: 'immediate' | 'fast') => asPostgres('pg_ctl', ['stop', '-w', '-D', dataDir, '-m', mode]).then(() => undefined);
  await start();

  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stopImmediate: () => stop('immediate'),
    start,
    async destroy() {
      await stop('fast').catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function postgresUser(): Promise<{ uid: number; gid: number }> {
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
  return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
}
