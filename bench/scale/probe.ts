/**
 * What bench:scale reads of the running stack besides its API and /proc (bench/kit/proc-cpu.ts):
 * bytes on disk of each service schema and JetStream stream, whether every outbox and projection
 * has caught up, and EXPLAIN of the hot queries.
 */
import { sql, type Kysely } from 'kysely';
import type { JetStreamManager } from 'nats';

export const SCHEMAS = ['ca', 'issuance', 'revocation', 'iot', 'directory'] as const;

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
    const { rows } = await sql<{ n: string }>`select count(*) as n from ${sql.table(`${schema}.outbox`)} where published_at is null or not public_done`.execute(db).catch(() => ({ rows: [{ n: '0' }] }));
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
