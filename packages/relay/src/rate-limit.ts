/**
 * Per-device token buckets: each device may submit `ratePerSecond` items on average with
 * bursts up to `burst`. Bounded: idle buckets are dropped oldest-first beyond `maxDevices`.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly maxDevices = 100_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token; returns 0 when allowed, or the seconds to wait before the next one. */
  take(device: string): number {
    const t = this.now();
    let bucket = this.buckets.get(device);
    if (bucket === undefined) {
      bucket = { tokens: this.burst, at: t };
      this.buckets.set(device, bucket);
      if (this.buckets.size > this.maxDevices) this.buckets.delete(this.buckets.keys().next().value!);
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((t - bucket.at) / 1000) * this.ratePerSecond);
    bucket.at = t;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.ratePerSecond));
  }
}
