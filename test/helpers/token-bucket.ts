/**
 * A token bucket, the rate limit public endpoints apply: it refills at `ratePerSecond` up to `capacity` (the burst a
 * client may send at once after a quiet spell), and each call takes a token.
 */
export type Admission = { readonly admitted: true } | { readonly admitted: false; readonly retryAfterMs: number };

export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(ratePerSecond > 0)) throw new RangeError(`ratePerSecond must be > 0, got ${ratePerSecond}`);
    if (!(capacity >= 1)) throw new RangeError(`capacity must be >= 1, got ${capacity}`);
    this.tokens = capacity;
    this.updatedAt = now();
  }

  /**
   * Admits a request of `cost` calls if the bucket holds at least one token. The request takes all `cost` tokens and
   * may leave the bucket in debt: a batch larger than the bucket is slowed like its calls sent one by one, never
   * refused forever. A refused request takes nothing and learns how long until a token is back.
   */
  take(cost: number): Admission {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.updatedAt) / 1_000) * this.ratePerSecond);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= cost;
      return { admitted: true };
    }
    return { admitted: false, retryAfterMs: Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1_000) };
  }
}
