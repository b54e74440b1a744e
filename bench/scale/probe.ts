/**
 * What bench:scale reads of the running stack besides its API: per-process CPU and resident
 * memory from /proc (the stack's six apps, found by their command line and environment; the
 * Postgres backends serving the stack's database; the shared nats-server), bytes on disk of each
 * service schema and JetStream stream, whether every outbox and projection has caught up, and
 * EXPLAIN of the hot queries. The least bench:scale needs until bench/kit lands (the lead unifies).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { sql, type Kysely } from 'kysely';
import type { JetStreamManager } from 'nats';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ; 100 on Linux). */
const CLK_TCK = 100;
export const SCHEMAS = ['ca', 'issuance', 'revocation', 'iot', 'directory'] as const;
export const APPS = ['ca-service', 'issuance-service', 'revocation-service', 'iot-registry', 'directory-certs', 'api-gateway'] as const;

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** CPU time (user + system) of a process so far, in ms; undefined when it is gone. */
export function cpuMs(pid: number): number | undefined {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // Fields after the command name (which may contain spaces): state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

/** Resident memory now (VmRSS) and at its peak so far (VmHWM), in MB. */
export function memoryMb(pid: number): { rss: number; peak: number } | undefined {
  const status = read(`/proc/${pid}/status`);
  if (!status) return undefined;
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** The stack's apps: node processes running dist/apps/<app>/src/main.js with this NATS prefix and database. */
export function stackApps(prefix: string, databaseUrl: string): Map<string, number> {
  const found = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = read(`/proc/${entry}/cmdline`)?.split('\0') ?? [];
    const main = cmdline.find((arg) => /dist\/apps\/[a-z-]+\/src\/main\.js$/.test(arg));
    if (!main) continue;
    const env = new Map((read(`/proc/${entry}/environ`) ?? '').split('\0').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as const));
    if ((env.get('PKI_NATS_PREFIX') ?? 'pki') !== prefix) continue;
    const app = /dist\/apps\/([a-z-]+)\//.exec(main)![1]!;
    if (app !== 'api-gateway' && (env.get('DATABASE_URL') ?? '') !== databaseUrl) continue;
    if (!found.has(app)) found.set(app, Number(entry));
  }
  return found;
}

function natsServerPids(): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e) && read(`/proc/${e}/comm`)?.trim() === 'nats-server')
    .map(Number);
}

/** Postgres backends serving this database (the stack's pools and this bench's own connection). */
async function backendPids(db: Kysely<any>): Promise<number[]> {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity where datname = current_database()`.execute(db);
  return rows.map((r) => r.pid);
}

export interface CpuSnapshot {
  readonly apps: Map<string, number>;
  readonly backends: Map<number, number>;
  readonly nats: number;
}

/** CPU so far of every process of the stack (apps by name, this database's backends, nats-server). */
export async function cpuSnapshot(db: Kysely<any>, apps: Map<string, number>): Promise<CpuSnapshot> {
  const byApp = new Map<string, number>();
  for (const [app, pid] of apps) byApp.set(app, cpuMs(pid) ?? NaN);
  const backends = new Map<number, number>();
  for (const pid of await backendPids(db)) backends.set(pid, cpuMs(pid) ?? 0);
  return { apps: byApp, backends, nats: natsServerPids().reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0) };
}

/** CPU spent between two snapshots, ms per group: each app, `postgres` (this database's backends) and `nats-server (shared)`. */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): Map<string, number> {
  const spent = new Map<string, number>();
  for (const [app, ms] of after.apps) spent.set(app, ms - (before.apps.get(app) ?? ms));
  let pg = 0;
  // A backend that started during the run counts from zero; one that ended is lost (pools keep theirs).
  for (const [pid, ms] of after.backends) pg += ms - (before.backends.get(pid) ?? 0);
  spent.set('postgres', pg);
  spent.set('nats-server (shared)', after.nats - before.nats);
  return spent;
}

/** Bytes on disk (tables, indexes, TOAST) of each service schema, and of each JetStream event stream of the prefix. */
export async function diskBytes(db: Kysely<any>, jsm: JetStreamManager, prefix: string): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const { rows } = await sql<{ schema: string; bytes: string }>`
    select n.nspname as schema, sum(pg_total_relation_size(c.oid))::bigint as bytes
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'm') and n.nspname = any(${[...SCHEMAS]}::text[])
    group by n.nspname`.execute(db);
  for (const schema of SCHEMAS) sizes.set(`postgres ${schema}`, Number(rows.find((r) => r.schema === schema)?.bytes ?? 0));
  for await (const stream of jsm.streams.list()) {
    if (stream.config.name.startsWith(`${prefix.toUpperCase()}_`)) sizes.set(`jetstream ${stream.config.name}`, stream.state.bytes);
  }
  return sizes;
}

export interface Backlog {
  readonly outbox: number;
  readonly consumers: number;
  readonly effects: number;
  readonly total: number;
}

/** What is still to be relayed (outbox rows), delivered or acked (every durable of the prefix's streams), or turned into IoT events (pending effects). */
export async function backlog(db: Kysely<any>, jsm: JetStreamManager, prefix: string): Promise<Backlog> {
  let outbox = 0;
  for (const schema of SCHEMAS) {
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(`${schema}.outbox`)} where published_at is null`.execute(db).catch(() => ({ rows: [{ n: '0' }] }));
    outbox += Number(rows[0]!.n);
  }
  let consumers = 0;
  for await (const stream of jsm.streams.list()) {
    if (!stream.config.name.startsWith(`${prefix.toUpperCase()}_`)) continue;
    for (const c of await jsm.consumers.list(stream.config.name).next()) consumers += c.num_pending + c.num_ack_pending;
  }
  const { rows } = await sql<{ n: string }>`select count(*) as n from iot.pending_effects`.execute(db).catch(() => ({ rows: [{ n: '0' }] }));
  const effects = Number(rows[0]!.n);
  return { outbox, consumers, effects, total: outbox + consumers + effects };
}

export interface ExplainedQuery {
  readonly name: string;
  readonly ms: number;
  /** Plan nodes, e.g. `Index Scan using certificates_ca_serial_key on certificates`. */
  readonly nodes: string[];
  /** Sequential scans of tables holding more than `bigTable` rows: what an index should serve. */
  readonly seqScans: string[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

/** EXPLAIN ANALYZE of one query: its execution time and plan nodes; sequential scans of big tables are flagged. */
export async function explain(db: Kysely<any>, name: string, query: ReturnType<typeof sql>, bigTable = 10_000): Promise<ExplainedQuery> {
  const { rows } = await sql<{ 'QUERY PLAN': Array<{ Plan: PlanNode; 'Execution Time': number }> }>`explain (analyze, format json) ${query}`.execute(db);
  const [result] = rows[0]!['QUERY PLAN'];
  const nodes: string[] = [];
  const seqScans: string[] = [];
  const relations: string[] = [];
  const walk = (node: PlanNode) => {
    const on = node['Relation Name'] ? ` on ${node['Relation Name']}` : '';
    nodes.push(`${node['Node Type']}${node['Index Name'] ? ` using ${node['Index Name']}` : ''}${on}`);
    if (node['Node Type'] === 'Seq Scan' && node['Relation Name']) relations.push(node['Relation Name']);
    for (const child of node.Plans ?? []) walk(child);
  };
  walk(result!.Plan);
  for (const relation of relations) {
    const { rows: size } = await sql<{ n: number }>`select reltuples::bigint as n from pg_class where relname = ${relation} order by reltuples desc limit 1`.execute(db);
    if (Number(size[0]?.n ?? 0) > bigTable) seqScans.push(`${relation} (~${Number(size[0]!.n)} rows)`);
  }
  return { name, ms: result!['Execution Time'], nodes, seqScans };
}
