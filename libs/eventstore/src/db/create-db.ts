import { Kysely, PostgresDialect } from 'kysely';
import { Client, Pool } from 'pg';
import { PG_DUPLICATE_DATABASE, isUniqueViolation } from '../util/pg-errors';

/**
 * A pg Pool based Kysely instance. The 'error' handlers matter: when Postgres restarts, idle
 * clients (pool 'error') and checked-out ones (client 'error', which pg-pool leaves unhandled)
 * emit errors that would crash the process. The query in flight rejects anyway, the broken
 * client is discarded on release, and callers retry with backoff on a fresh connection.
 */
export function createDb(url: string, opts: { max?: number } = {}): Kysely<any> {
  const pool = new Pool({ connectionString: url, max: opts.max ?? 10, connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  pools.set(db, pool);
  return db;
}

const pools = new WeakMap<Kysely<any>, Pool>();

/** The pg Pool under a Kysely instance made by createDb (its usage is a metric). */
export function poolOf(db: Kysely<any>): Pool | undefined {
  return pools.get(db);
}

/**
 * Creates the database named in `url` when missing, via the `postgres` database of the same
 * server. Several replicas may start at once, so losing the race is success.
 */
export async function ensureDatabaseExists(url: string): Promise<void> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name || name === 'postgres') return;
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString(), connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount) return;
    await client.query(`create database "${name.replace(/"/g, '""')}"`);
  } catch (error) {
    // 42P04 duplicate_database, or 23505 on pg_database_datname_index when two creates race.
    if ((error as { code?: string }).code !== PG_DUPLICATE_DATABASE && !isUniqueViolation(error)) {
      throw new Error(`could not create database ${name}`, { cause: error });
    }
  } finally {
    await client.end();
  }
}
