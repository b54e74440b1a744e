import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { Kysely, PostgresDialect } from 'kysely';
import { Client, Pool } from 'pg';

const DEFAULT_SERVER = 'postgres://postgres@127.0.0.1:5432';
const START_HINT = 'start the local servers with `bash scripts/ensure-services.sh` (or set DATABASE_URL, or start a Docker engine for testcontainers)';

export interface TestDatabase {
  readonly url: string;
  readonly db: Kysely<any>;
  /** The pg Pool under `db`, for what Kysely cannot run (COPY). */
  readonly pool: Pool;
  destroy(): Promise<void>;
}

export interface TestDatabaseOptions {
  /** A server of the test's own (e.g. a {@link startPostgresInstance} it may crash); its database part is ignored. */
  readonly server?: string;
}

/**
 * A fresh database per call on the test server, so tests (and Jest workers) never share
 * tables. The server is `options.server`, else DATABASE_URL's (its database part is ignored),
 * else the local default port, else a Postgres container when a Docker engine is present.
 */
export async function createTestDatabase(options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  const server = options.server ?? (await resolveServer());
  const name = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await withAdmin(server, (admin) => admin.query(`create database "${name}"`));
  const url = withDatabase(server, name);
  const pool = new Pool({ connectionString: url, max: 10 });
  // A client dropped by the server (idle or checked out) must not crash the test run.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return {
    url,
    db,
    pool,
    async destroy() {
      await db.destroy();
      await withAdmin(server, (admin) => admin.query(`drop database if exists "${name}" with (force)`));
    },
  };
}

function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function withAdmin<T>(serverUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: withDatabase(serverUrl, 'postgres'), connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let serverPromise: Promise<string> | undefined;

function resolveServer(): Promise<string> {
  serverPromise ??= findServer();
  return serverPromise;
}

async function findServer(): Promise<string> {
  const configured = process.env.DATABASE_URL ?? DEFAULT_SERVER;
  try {
    await withAdmin(configured, (c) => c.query('select 1'));
    return configured;
  } catch (error) {
    if (!dockerAvailable()) {
      throw new Error(`Postgres is not reachable at ${new URL(configured).host}: ${START_HINT}`, { cause: error });
    }
    return startContainer();
  }
}

function dockerAvailable(): boolean {
  return Boolean(process.env.DOCKER_HOST) || existsSync('/var/run/docker.sock');
}

/** Only reached on a laptop without local servers; imported lazily so CI never loads it. */
async function startContainer(): Promise<string> {
  const { GenericContainer, Wait } = await import('testcontainers');
  const container = await new GenericContainer('postgres:15')
    .withEnvironment({ POSTGRES_HOST_AUTH_METHOD: 'trust' })
    .withExposedPorts(5432)
    .withWaitStrategy(Wait.forLogMessage(/ready to accept connections/, 2))
    .start();
  return `postgres://postgres@${container.getHost()}:${container.getMappedPort(5432)}/postgres`;
}
