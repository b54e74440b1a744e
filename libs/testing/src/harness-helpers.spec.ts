import { uniquePrefix } from './test-nats';
import { waitFor } from './wait-for';

describe('test harness helpers', () => {
  it('uniquePrefix is a valid NATS token and stream-name part, and unique', () => {
    const prefixes = Array.from({ length: 100 }, uniquePrefix);
    expect(prefixes.every((p) => /^[a-z][a-z0-9]+$/.test(p))).toBe(true);
    expect(new Set(prefixes).size).toBe(100);
  });

  it('waitFor returns the first truthy value and names what it waited for on timeout', async () => {
    let n = 0;
    await expect(waitFor(async () => ++n >= 3 && n, { intervalMs: 1 })).resolves.toBe(3);
    await expect(waitFor(async () => false, { timeoutMs: 20, intervalMs: 5, what: 'the moon' })).rejects.toThrow('timed out after 20 ms waiting for the moon');
  });
});
