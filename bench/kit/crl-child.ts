/**
 * One CRL generation by revocation-service's own `generateCrl` (from a build's dist/) for one CA,
 * in a fresh node process reporting over IPC: plain JavaScript on the compiled code (no
 * TypeScript loader in that process), so its peak RSS is what a revocation-service process needs
 * for the generation, not the benchmark's own baggage. The stack's CRL worker may hold the CA's
 * CRL lock for a moment: a `busy` answer is tried again (up to 30 s).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './dist';

export interface CrlChildResult {
  readonly ms: number;
  readonly entryCount: number;
  readonly size: number;
  readonly crlNumber: string;
  readonly baselineRssMb: number;
  readonly peakRssMb: number;
  /** CPU of the generating process during generateCrl (ms). */
  readonly cpuMs: number;
  /** generateCrl's own split (ms); absent from builds that do not report it (an older dist/). */
  readonly phases?: { read: number; build: number; sign: number; publish: number };
}

export interface CrlChildOptions {
  /** The checkout whose dist/ (and tools/dist-paths.js) generates the CRL (default this one). */
  readonly root?: string;
  /** Who asks, in the NATS connection name and the failure message (default `bench`). */
  readonly name?: string;
  /**
   * Called once the child has reported, while it still holds its connections (so the CPU
   * counters of its Postgres backends can still be read); the child closes them afterwards.
   */
  readonly onReport?: () => void;
  /** A CRL partition of the CA (CrlType PARTITIONED) to generate instead of its complete CRL. */
  readonly partition?: string;
}

const CRL_CHILD = `
const { performance } = require('node:perf_hooks');
const dist = (p) => require(require('node:path').join(process.env.BENCH_ROOT, 'dist', p));
const { createDb, EventStore } = dist('libs/eventstore/src/index.js');
const { createObjectStorage } = dist('libs/object-storage/src/index.js');
const { caSignerClient, connectNats, loadConfig, ServiceClient } = dist('libs/service-kit/src/index.js');
const { generateCrl } = dist('apps/revocation-service/src/application/crl-generation.js');
const { revocationEnv } = dist('apps/revocation-service/src/application/revocation-env.js');
(async () => {
  const caId = process.env.BENCH_CA_ID;
  const config = loadConfig(process.env);
  const settings = revocationEnv(process.env);
  const db = createDb(config.databaseUrl, { max: 2 });
  const nc = await connectNats(config.natsServers, 'pki-' + process.env.BENCH_NAME + '-crl');
  const signer = caSignerClient(new ServiceClient(nc, config.natsPrefix, Math.max(config.requestTimeoutMs, 30000)));
  const context = { db, store: new EventStore(db, { schema: 'revocation' }), objects: createObjectStorage(process.env), signer, publicUrl: config.publicUrl,
    now: () => new Date(), catchUpMs: settings.catchUpMs, crlDelayMs: settings.crlDelayMs, ocspValiditySeconds: settings.ocspValiditySeconds };
  try {
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    global.gc();
    const baselineRssMb = process.memoryUsage().rss / 1048576;
    for (let attempt = 0; ; attempt++) {
      const start = performance.now();
      const cpu = process.cpuUsage();
      const outcome = await generateCrl(context, caId, process.env.BENCH_CRL_PARTITION || null);
      const ms = performance.now() - start;
      const used = process.cpuUsage(cpu);
      if (outcome.kind === 'busy' && attempt < 300) { await new Promise((r) => setTimeout(r, 100)); continue; }
      if (outcome.kind !== 'published') throw new Error('generateCrl answered ' + outcome.kind + (outcome.why ? ': ' + outcome.why : ''));
      const e = outcome.event;
      process.send({ ms, cpuMs: (used.user + used.system) / 1000, entryCount: e.entryCount, size: e.size, crlNumber: e.crlNumber, baselineRssMb, peakRssMb: process.resourceUsage().maxRSS / 1024, phases: outcome.phases });
      // Keep the connections (and so their Postgres backends' CPU counters) until the parent has read them.
      await new Promise((r) => process.once('message', r));
      break;
    }
  } finally {
    await nc.drain();
    await db.destroy();
  }
})().catch((error) => { console.error(process.env.BENCH_NAME + ': the CRL generation process failed:', error && error.stack || error); process.exit(1); });
`;

/** generateCrl of the CA `caId` in its own process, against the stack of this process's environment (DATABASE_URL, NATS_URL, PKI_NATS_PREFIX, ...). */
export function generateCrlInChild(caId: string, options: CrlChildOptions = {}): Promise<CrlChildResult> {
  const root = options.root ?? ROOT;
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '-r', join(root, 'tools', 'dist-paths.js'), '-e', CRL_CHILD], {
      env: { ...process.env, BENCH_ROOT: root, BENCH_CA_ID: caId, BENCH_NAME: options.name ?? 'bench', BENCH_CRL_PARTITION: options.partition ?? '' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: CrlChildResult | undefined;
    child.on('message', (m) => {
      result = m as CrlChildResult;
      options.onReport?.();
      child.send('done');
    });
    child.on('error', reject);
    child.on('exit', (code) => (result && code === 0 ? resolveResult(result) : reject(new Error(`the CRL generation process exited with ${code}`))));
  });
}
