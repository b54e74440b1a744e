/**
 * The process's one Prometheus registry, served as text at `GET /metrics` (MetricsController on
 * each service's health port, and on the gateway's port). Names follow Prometheus's conventions:
 * `pki_` prefix, base units (`_seconds`, `_bytes`), `_total` for counters, labels of bounded
 * cardinality only (service, operation, outcome, CA id; never a request id or a serial).
 *
 * Metrics are created with `counter` / `gauge` / `histogram`, which return the registered metric
 * when one of that name exists (a module loaded twice, several services in one test process).
 * Figures that need a query (outbox backlog, projection lag) are refreshed by `onScrape` hooks,
 * run when /metrics is read, each bounded by a timeout: a slow database delays no scrape longer
 * than that, and the previous values are served meanwhile.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export const metricsRegistry = new Registry();

/** Latency buckets in seconds, 1 ms to 30 s (commands, appends, signatures, API requests). */
export const LATENCY_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

export function counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return (metricsRegistry.getSingleMetric(name) as Counter<L> | undefined) ?? new Counter<L>({ name, help, labelNames, registers: [metricsRegistry] });
}

export function gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  return (metricsRegistry.getSingleMetric(name) as Gauge<L> | undefined) ?? new Gauge<L>({ name, help, labelNames, registers: [metricsRegistry] });
}

export function histogram<L extends string = never>(name: string, help: string, labelNames: readonly L[] = [], buckets: readonly number[] = LATENCY_BUCKETS): Histogram<L> {
  return (metricsRegistry.getSingleMetric(name) as Histogram<L> | undefined) ?? new Histogram<L>({ name, help, labelNames, buckets: [...buckets], registers: [metricsRegistry] });
}

/** Seconds elapsed since `start` (a `process.hrtime.bigint()` reading). */
export function secondsSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Runs `work`, then observes its duration in `metric` with the labels `labels` gives for its
 * result (or for its error, which is rethrown).
 */
export async function timed<T, L extends string>(
  metric: Histogram<L>,
  work: () => Promise<T>,
  labels: (outcome: { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: unknown }) => Partial<Record<L, string>>,
): Promise<T> {
  const start = process.hrtime.bigint();
  let result: T;
  try {
    result = await work();
  } catch (error) {
    metric.observe(labels({ ok: false, error }), secondsSince(start));
    throw error;
  }
  metric.observe(labels({ ok: true, result }), secondsSince(start));
  return result;
}

const scrapeHookFailures = counter('pki_metrics_scrape_hook_failures_total', 'Scrape-time collections (database or JetStream queries behind gauges) that failed or timed out; their gauges keep their previous values', ['hook']);

const hooks = new Set<{ readonly name: string; readonly run: () => Promise<void> }>();

/** Longest a scrape-time collection may take before the scrape goes on without it. */
export const SCRAPE_HOOK_TIMEOUT_MS = 2_000;

/** Registers a collection run at each scrape (cheap queries that set gauges); returns its removal. */
export function onScrape(name: string, run: () => Promise<void>): () => void {
  const hook = { name, run };
  hooks.add(hook);
  return () => {
    hooks.delete(hook);
  };
}

async function runHook(hook: { readonly name: string; readonly run: () => Promise<void> }, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      hook.run(),
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } catch {
    scrapeHookFailures.inc({ hook: hook.name });
  } finally {
    clearTimeout(timer);
  }
}

let defaultMetricsOn = false;

/** Node's process metrics (CPU, memory, event-loop lag, GC, handles) under their standard names (`process_*`, `nodejs_*`). Once per process. */
export function enableDefaultMetrics(): void {
  if (defaultMetricsOn) return;
  defaultMetricsOn = true;
  collectDefaultMetrics({ register: metricsRegistry });
}

/** The exposition text: scrape hooks first (in parallel, each bounded), then every metric. */
export async function metricsText(timeoutMs = SCRAPE_HOOK_TIMEOUT_MS): Promise<string> {
  await Promise.all([...hooks].map((hook) => runHook(hook, timeoutMs)));
  return metricsRegistry.metrics();
}

export const METRICS_CONTENT_TYPE = metricsRegistry.contentType;
