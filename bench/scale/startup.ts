/**
 * Start-up time of each app against the stack's database and NATS: one more replica of the app
 * is started from dist/ (as tools/run-stack.js starts it, on a spare port) and timed until its
 * /health/ready answers 200, then stopped with SIGTERM. A replica shares the stack's durable
 * consumers and outboxes, so this is the time a rolling restart or a scale-out waits for; its
 * CPU until ready shows whether start-up does work that grows with the data, and its log is
 * searched for projections replayed or events requeued from the start.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { ROOT } from '../kit/dist';
import { sleep } from '../kit/load';
import { processCpuMs, processMemoryMb } from '../kit/proc-cpu';

export interface StartupFigure {
  readonly app: string;
  readonly seconds: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  /** Log lines that tell of work from zero at start (a replay, a requeue of every event). */
  readonly rebuilds: string[];
}

const REBUILD = /replay|requeu|publishing all|from the start|rebuild/i;

async function ready(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(1000) })).ok;
  } catch {
    return false;
  }
}

export async function timeStartup(app: string, port: number, timeoutMs = 120_000): Promise<StartupFigure> {
  const env: NodeJS.ProcessEnv = { ...process.env, PKI_LOG_PRETTY: '0' };
  if (app === 'api-gateway') env.PKI_HTTP_PORT = String(port);
  else env.PKI_HEALTH_PORT = String(port);
  const start = performance.now();
  const child = spawn(process.execPath, ['-r', join(ROOT, 'tools', 'dist-paths.js'), join(ROOT, 'dist', 'apps', app, 'src', 'main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const rebuilds: string[] = [];
  const log: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      log.push(line);
      if (REBUILD.test(line)) rebuilds.push(line.slice(0, 300));
    });
  }
  let exited: number | null | undefined;
  const exit = new Promise<void>((resolve) => child.on('exit', (code) => ((exited = code), resolve())));
  try {
    for (;;) {
      if (await ready(port)) break;
      if (exited !== undefined) throw new Error(`${app} exited (${exited}) before it was ready:\n${log.slice(-20).join('\n')}`);
      if (performance.now() - start > timeoutMs) throw new Error(`${app} was not ready within ${timeoutMs} ms:\n${log.slice(-20).join('\n')}`);
      await sleep(25);
    }
    const seconds = (performance.now() - start) / 1000;
    return { app, seconds, cpuMs: processCpuMs(child.pid!) ?? NaN, rssMb: processMemoryMb(child.pid!)?.rss ?? NaN, rebuilds };
  } finally {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exit;
      clearTimeout(timer);
    }
  }
}
