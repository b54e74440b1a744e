import { backoffMs } from './backoff';

describe('backoffMs', () => {
  it('doubles per attempt from the base', () => {
    const full = (attempt: number) => backoffMs(attempt, { baseMs: 100, maxMs: 10_000, random: () => 1 });
    expect([1, 2, 3, 4].map(full)).toEqual([100, 200, 400, 800]);
  });

  it('never exceeds the cap and keeps half of it fixed', () => {
    expect(backoffMs(50, { baseMs: 100, maxMs: 1000, random: () => 1 })).toBe(1000);
    expect(backoffMs(50, { baseMs: 100, maxMs: 1000, random: () => 0 })).toBe(500);
  });

  it('treats attempt 0 like the first', () => {
    expect(backoffMs(0, { baseMs: 100, random: () => 0 })).toBe(50);
  });
});
