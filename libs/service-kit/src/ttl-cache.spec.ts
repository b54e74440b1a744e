import { TtlCache } from './ttl-cache';

const T0 = Date.parse('2026-12-06T00:00:00Z');

describe('TtlCache', () => {
  it('loads once per key and time to live, one load for concurrent callers, and remembers "none" too', async () => {
    const cache = new TtlCache<string | undefined>(1000, 10);
    let loads = 0;
    const load = async () => {
      loads++;
      return loads % 2 ? `row-${loads}` : undefined;
    };
    const same = await Promise.all([cache.get('k', T0, load), cache.get('k', T0, load), cache.get('k', T0 + 999, load)]);
    expect(same).toEqual(['row-1', 'row-1', 'row-1']);
    expect(await cache.get('k', T0 + 999, load)).toBe('row-1');
    expect(await cache.get('k', T0 + 1000, load)).toBeUndefined();
    expect(await cache.get('k', T0 + 1500, load)).toBeUndefined();
    expect(loads).toBe(2);
  });

  it('holds at most maxEntries keys', async () => {
    const cache = new TtlCache<number>(60_000, 2);
    let loads = 0;
    for (const k of ['a', 'b', 'c', 'a']) await cache.get(k, T0, async () => ++loads);
    expect(loads).toBe(4); // 'a' was dropped when 'c' came
  });

  it('does not cache a load that throws', async () => {
    const cache = new TtlCache<number>(60_000, 10);
    await expect(cache.get('k', T0, async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', T0, async () => 7)).toBe(7);
  });
});
