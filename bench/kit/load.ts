/** The closed loop every benchmark drives: `count` operations from `concurrency` clients, each starting the next when one ends. */
import { createServer, type AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface LoopResult<T> {
  readonly results: T[];
  readonly seconds: number;
  /** client CPU (user + system) of this process during the loop, ms */
  readonly clientCpuMs: number;
}

/** Runs `op(i)` for i = 0..count-1 with at most `concurrency` in flight; the first failure stops the loop and is thrown. */
export async function closedLoop<T>(count: number, concurrency: number, op: (i: number) => Promise<T>): Promise<LoopResult<T>> {
  const results: T[] = [];
  let next = 0;
  let failed = false;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (!failed && next < count) {
        const i = next++;
        try {
          results.push(await op(i));
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { results, seconds, clientCpuMs: (used.user + used.system) / 1000 };
}

/** Nearest-rank percentile of an ascending array. */
export const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

export const ascending = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A whole number from the environment, at least `min` (default 1), or `fallback` when unset. */
export function positiveInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be ${min === 1 ? 'a positive integer' : `an integer >= ${min}`}, not "${raw}"`);
  return value;
}

/** A TCP port free on 127.0.0.1 now (for a server a benchmark starts). */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
