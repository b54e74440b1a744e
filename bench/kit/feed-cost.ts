/**
 * What publishing the public event feed (issue #15) costs per certificate, measured in the same
 * run: stacks of this checkout's dist/ started by the benchmark itself, alternately with the feed
 * on and off (PKI_PUBLIC_EVENTS_ENABLED), each on a fresh database, NATS prefix and port, each
 * measured by bench:issuance's lean loop in a child process (BENCH_JSON_OUT), pairs interleaved
 * so that the machine's drift falls on both sides. Reports the median server CPU per certificate
 * of each side and their ratio.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'nats';
import { ROOT } from './dist';
import { ascending, freePort, percentile, sleep } from './load';

export interface FeedCostRun {
  readonly feed: boolean;
  readonly cpuMsPerCertificate: number;
  readonly rate: number;
}

export interface FeedCost {
  readonly runs: readonly FeedCostRun[];
  /** Median server CPU per certificate with the feed on, and off. */
  readonly onMs: number;
  readonly offMs: number;
  /** (on - off) / off, in %. */
  readonly addedPercent: number;
}

export interface FeedCostOptions {
  readonly pairs: number;
  readonly count: number;
  readonly concurrency: number;
  readonly log?: (line: string) => void;
}

const BASE_DATABASE_URL = (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/pki').replace(/\/[^/]*$/, '');
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

async function startStack(feed: boolean, tag: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const port = await freePort();
  const database = `bench_feed_${tag}`;
  const prefix = `benchfeed${tag}`;
  const objects = mkdtempSync(join(tmpdir(), 'bench-feed-objects-'));
  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    DATABASE_URL: `${BASE_DATABASE_URL}/${database}`,
    NATS_URL,
    PKI_NATS_PREFIX: prefix,
    PKI_HTTP_PORT: String(port),
    PKI_OBJECT_STORE_DIR: objects,
    PKI_THROTTLE_ENABLED: 'false',
    PKI_LOG_LEVEL: 'warn',
    PKI_PUBLIC_EVENTS_ENABLED: String(feed),
    // No gRPC listener: it would take the developer's 4570 and rewrite .data/grpc with a CA of this database.
    PKI_GRPC_ENABLED: 'false',
  };
  // Health ports of their own (run-stack waits on them), not the 8081-8085 of a stack already running.
  for (const app of ['CA_SERVICE', 'ISSUANCE_SERVICE', 'REVOCATION_SERVICE', 'IOT_REGISTRY', 'DIRECTORY_CERTS']) env[`PKI_HEALTH_PORT_${app}`] = String(await freePort());
  delete env.PKI_PUBLIC_EVENTS_STREAM;
  const launcher: ChildProcess = spawn(process.execPath, [join(ROOT, 'tools', 'run-stack.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  launcher.stdout?.on('data', (d) => (output = (output + d).slice(-8000)));
  launcher.stderr?.on('data', (d) => (output = (output + d).slice(-8000)));
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (launcher.exitCode === null && launcher.signalCode === null) {
      const exited = new Promise((resolve) => launcher.once('exit', resolve));
      launcher.kill('SIGTERM');
      await exited;
    }
    spawnSync('psql', [`${BASE_DATABASE_URL}/postgres`, '-qc', `drop database if exists ${database} with (force)`], { stdio: 'ignore' });
    rmSync(objects, { recursive: true, force: true });
    const nc = await connect({ servers: NATS_URL.split(',') });
    const jsm = await nc.jetstreamManager();
    for await (const name of jsm.streams.names()) if (name.startsWith(`${prefix.toUpperCase()}_`)) await jsm.streams.delete(name);
    await nc.close();
  };
  try {
    for (let i = 0; ; i++) {
      if (launcher.exitCode !== null) throw new Error(`the feed-cost stack exited before it was ready:\n${output}`);
      const ready = await fetch(`${endpoint}/health/ready`).then((r) => r.ok, () => false);
      if (ready) break;
      if (i > 240) throw new Error(`the feed-cost stack was not ready within 120 s:\n${output}`);
      await sleep(500);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, stop };
}

/** One measured run of bench:issuance's lean loop against a stack with the feed on or off. */
async function measureRun(feed: boolean, tag: string, options: FeedCostOptions): Promise<FeedCostRun> {
  const stack = await startStack(feed, tag);
  const dir = mkdtempSync(join(tmpdir(), 'bench-feed-'));
  try {
    const out = join(dir, 'run.json');
    const child = spawnSync(process.execPath, ['-r', join(ROOT, 'bench', 'ts-hook.js'), join(ROOT, 'bench', 'issuance.bench.ts')], {
      env: { ...process.env, PKI_ENDPOINT: stack.endpoint, BENCH_COUNT: String(options.count), BENCH_CONCURRENCY: String(options.concurrency), BENCH_JSON_OUT: out, BENCH_FEED_COST: '0', BENCH_KEYS: 'EC_prime256v1' },
      encoding: 'utf8',
    });
    if (child.status !== 0) throw new Error(`bench:issuance against the feed-${feed ? 'on' : 'off'} stack failed:\n${child.stderr}${child.stdout}`);
    const run = JSON.parse(readFileSync(out, 'utf8')) as { cpuMsPerCertificate: number; rate: number };
    options.log?.(`  feed ${feed ? 'on ' : 'off'}: ${run.cpuMsPerCertificate.toFixed(2)} ms of server CPU per certificate, ${run.rate.toFixed(0)} certificates/s`);
    return { feed, ...run };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await stack.stop();
  }
}

export async function feedCost(options: FeedCostOptions): Promise<FeedCost> {
  const runs: FeedCostRun[] = [];
  const tag = `${process.pid}`;
  for (let pair = 0; pair < options.pairs; pair++) {
    // Alternate which side goes first, so a trend in the machine's load falls on both.
    const order = pair % 2 === 0 ? [true, false] : [false, true];
    for (const feed of order) runs.push(await measureRun(feed, `${tag}_${pair}_${feed ? 'on' : 'off'}`, options));
  }
  const median = (feed: boolean) => percentile(ascending(runs.filter((r) => r.feed === feed).map((r) => r.cpuMsPerCertificate)), 50);
  const onMs = median(true);
  const offMs = median(false);
  return { runs, onMs, offMs, addedPercent: (100 * (onMs - offMs)) / offMs };
}
