/**
 * One token bucket: `burst` tokens at most, refilled continuously at `ratePerSecond`; a request
 * takes one token or is refused. Refilling is computed lazily from the time of the last take, so a
 * take is a few arithmetic operations (O(1), no timer, no allocation). Time is a monotonic
 * millisecond clock passed in by the caller (performance.now() in the gateway, a fake in tests).
 */
export class TokenBucket {
  private readonly ratePerMs: number;
  private tokens: number;
  private updatedAt: number;

  constructor(
    ratePerSecond: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.ratePerMs = ratePerSecond / 1000;
    this.tokens = burst;
    this.updatedAt = nowMs;
  }

  /**
   * Takes one token: 0 when taken, else how many milliseconds until one is available. A refused
   * request takes nothing, so a client that keeps retrying still gets the configured rate.
   */
  take(nowMs: number): number {
    const elapsed = nowMs - this.updatedAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + elapsed * this.ratePerMs);
      this.updatedAt = nowMs;
    }
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return (1 - this.tokens) / this.ratePerMs;
  }
}
