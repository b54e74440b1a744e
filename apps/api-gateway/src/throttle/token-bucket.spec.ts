import { TokenBucket } from './token-bucket';

/** The bucket on a fake millisecond clock: every figure below is exact, none depends on the machine's speed. */
describe('TokenBucket', () => {
  it('starts full: a burst of `burst` requests passes at once, the next is refused', () => {
    const bucket = new TokenBucket(10, 3, 0);
    expect([bucket.take(0), bucket.take(0), bucket.take(0)]).toEqual([0, 0, 0]);
    expect(bucket.take(0)).toBeCloseTo(100, 9); // one token every 100 ms at 10/s
  });

  it('refills at the rate: after 250 ms at 10/s two requests pass (2.5 tokens), the third waits 50 ms', () => {
    const bucket = new TokenBucket(10, 5, 0);
    for (let i = 0; i < 5; i++) bucket.take(0);
    expect(bucket.take(250)).toBe(0);
    expect(bucket.take(250)).toBe(0);
    expect(bucket.take(250)).toBeCloseTo(50, 9);
    expect(bucket.take(300)).toBe(0);
  });

  it('never holds more than the burst, however long it was idle', () => {
    const bucket = new TokenBucket(100, 2, 0);
    bucket.take(0);
    const later = 3_600_000;
    expect([bucket.take(later), bucket.take(later)]).toEqual([0, 0]);
    expect(bucket.take(later)).toBeCloseTo(10, 9);
  });

  it('a refused request takes nothing: a client that keeps asking still gets the rate, not less', () => {
    const bucket = new TokenBucket(1, 1, 0);
    expect(bucket.take(0)).toBe(0);
    for (let t = 1; t < 1000; t += 50) expect(bucket.take(t)).toBeGreaterThan(0);
    expect(bucket.take(1000)).toBe(0);
  });

  it('sustained load is admitted at the rate: 10 s of requests every 10 ms at 5/s burst 10 admit 10 + 50', () => {
    const bucket = new TokenBucket(5, 10, 0);
    let admitted = 0;
    for (let t = 0; t <= 10_000; t += 10) if (bucket.take(t) === 0) admitted++;
    expect(admitted).toBe(60);
  });

  it('fractional rates: 0.2/s refuses for 5 s after the burst and says so', () => {
    const bucket = new TokenBucket(0.2, 1, 0);
    expect(bucket.take(0)).toBe(0);
    expect(bucket.take(1000)).toBeCloseTo(4000, 6);
    expect(bucket.take(4999)).toBeGreaterThan(0);
    expect(bucket.take(5000)).toBe(0);
  });

  it('a clock that steps back (it should not: the gateway uses a monotonic one) neither adds nor removes tokens', () => {
    const bucket = new TokenBucket(10, 1, 1000);
    expect(bucket.take(1000)).toBe(0);
    expect(bucket.take(500)).toBeCloseTo(100, 9);
    expect(bucket.take(1100)).toBe(0);
  });
});
