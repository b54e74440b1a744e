import { parsePrometheusText, sampleSum } from '@pki/testing';
import { measureCommand } from './command-metrics';
import { counter, enableDefaultMetrics, gauge, histogram, metricsRegistry, metricsText, onScrape, timed } from './metrics';

const scrape = async (timeoutMs?: number) => parsePrometheusText(await metricsText(timeoutMs));

describe('metrics helpers', () => {
  it('return the registered metric for a name already in the registry', () => {
    const first = counter('pki_test_once_total', 'a test counter', ['a']);
    expect(counter('pki_test_once_total', 'a test counter', ['a'])).toBe(first);
    expect(metricsRegistry.getSingleMetric('pki_test_once_total')).toBe(first);
  });

  it('timed observes the duration with the labels of the result, and of the error, which it rethrows', async () => {
    const h = histogram('pki_test_work_seconds', 'test work', ['outcome']);
    await expect(timed(h, async () => 42, (o) => ({ outcome: o.ok ? `ok-${o.result}` : 'error' }))).resolves.toBe(42);
    await expect(timed(h, async () => Promise.reject(new Error('boom')), (o) => ({ outcome: o.ok ? 'ok' : (o.error as Error).message }))).rejects.toThrow('boom');
    const families = await scrape();
    expect(families.get('pki_test_work_seconds')!.type).toBe('histogram');
    expect(sampleSum(families, 'pki_test_work_seconds_count', { outcome: 'ok-42' })).toBe(1);
    expect(sampleSum(families, 'pki_test_work_seconds_count', { outcome: 'boom' })).toBe(1);
  });

  it('runs scrape hooks before the text; a failing or slow hook is counted and the others still apply', async () => {
    const g = gauge('pki_test_backlog', 'test gauge', ['source']);
    let reads = 0;
    const removeGood = onScrape('test-good', async () => {
      reads++;
      g.set({ source: 'good' }, reads * 10);
    });
    const removeBad = onScrape('test-bad', async () => Promise.reject(new Error('database down')));
    const removeSlow = onScrape('test-slow', () => new Promise<void>((resolve) => setTimeout(resolve, 5_000).unref()));
    try {
      const families = await scrape(50);
      expect(sampleSum(families, 'pki_test_backlog', { source: 'good' })).toBe(10);
      expect(sampleSum(families, 'pki_metrics_scrape_hook_failures_total', { hook: 'test-bad' })).toBe(1);
      expect(sampleSum(families, 'pki_metrics_scrape_hook_failures_total', { hook: 'test-slow' })).toBe(1);
    } finally {
      removeGood();
      removeBad();
      removeSlow();
    }
    await metricsText();
    expect(reads).toBe(1); // removed hooks no longer run
  });

  it('serves default process metrics once enabled, under their standard names', async () => {
    enableDefaultMetrics();
    enableDefaultMetrics(); // a second call registers nothing twice
    const families = await scrape();
    expect(families.get('process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
  });

  it('measureCommand labels commands by service, operation and outcome (ok, the error kind, or exception)', async () => {
    await measureCommand('client', 'issuance', 'IssueCertificate', async () => ({ ok: true, result: {} }));
    await measureCommand('client', 'issuance', 'IssueCertificate', async () => ({ ok: false, error: { kind: 'NotFound', message: 'no such CA' } }));
    await expect(measureCommand('server', 'ca', 'SignData', async () => Promise.reject(new Error('bug')))).rejects.toThrow('bug');
    const families = await scrape();
    const client = (outcome: string) => sampleSum(families, 'pki_command_client_duration_seconds_count', { service: 'issuance', operation: 'IssueCertificate', outcome });
    expect([client('ok'), client('NotFound')]).toEqual([1, 1]);
    expect(sampleSum(families, 'pki_command_server_duration_seconds_count', { service: 'ca', operation: 'SignData', outcome: 'exception' })).toBe(1);
  });
});
