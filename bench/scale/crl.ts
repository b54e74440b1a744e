/**
 * CRL generation for bench:scale: revocation-service's own generateCrl (from dist/) for one CA,
 * in a fresh node process so that its peak RSS is the generation's alone. The same child as
 * bench:revocation's (copied until bench/kit holds one; the lead unifies).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './dist';

export interface CrlChildResult {
  ms: number;
  entryCount: number;
  size: number;
  crlNumber: string;
  baselineRssMb: number;
  peakRssMb: number;
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
  const nc = await connectNats(config.natsServers, 'pki-bench-scale-crl');
  const signer = caSignerClient(new ServiceClient(nc, config.natsPrefix, Math.max(config.requestTimeoutMs, 30000)));
  const context = { db, store: new EventStore(db, { schema: 'revocation' }), objects: createObjectStorage(process.env), signer, publicUrl: config.publicUrl,
    now: () => new Date(), catchUpMs: settings.catchUpMs, crlDelayMs: settings.crlDelayMs, ocspValiditySeconds: settings.ocspValiditySeconds };
  try {
    await db.selectNoFrom((eb) => eb.lit(1).as('one')).execute();
    global.gc();
    const baselineRssMb = process.memoryUsage().rss / 1048576;
    for (let attempt = 0; ; attempt++) {
      const start = performance.now();
      const outcome = await generateCrl(context, caId);
      const ms = performance.now() - start;
      // The stack's own CRL worker may hold the CA's CRL lock for a moment: try again.
      if (outcome.kind === 'busy' && attempt < 300) { await new Promise((r) => setTimeout(r, 100)); continue; }
      if (outcome.kind !== 'published') throw new Error('generateCrl answered ' + outcome.kind + (outcome.why ? ': ' + outcome.why : ''));
      const e = outcome.event;
      process.send({ ms, entryCount: e.entryCount, size: e.size, crlNumber: e.crlNumber, baselineRssMb, peakRssMb: process.resourceUsage().maxRSS / 1024 });
      break;
    }
  } finally {
    await nc.drain();
    await db.destroy();
  }
})().catch((error) => { console.error('bench:scale CRL process failed:', error && error.stack || error); process.exit(1); });
`;

export function generateCrlInChild(caId: string): Promise<CrlChildResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '-r', join(ROOT, 'tools', 'dist-paths.js'), '-e', CRL_CHILD], {
      env: { ...process.env, BENCH_ROOT: ROOT, BENCH_CA_ID: caId },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: CrlChildResult | undefined;
    child.on('message', (m) => (result = m as CrlChildResult));
    child.on('error', reject);
    child.on('exit', (code) => (result && code === 0 ? resolveResult(result) : reject(new Error(`the CRL generation process exited with ${code}`))));
  });
}
