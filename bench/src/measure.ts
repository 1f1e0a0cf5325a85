/** Timing helpers: rates over a minimum wall time, and latency percentiles. */

export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** What the figure is compared to, or how it was obtained. */
  readonly note?: string;
}

export function nowMs(): number {
  return performance.now();
}

/**
 * Calls `op` in batches until `minMs` have passed and returns operations per second.
 * `op` returns how many operations it did (default 1).
 */
export async function rate(op: () => number | void | Promise<number | void>, minMs = 1000): Promise<number> {
  for (let i = 0; i < 3; i++) await op(); // warm up the JIT and caches
  let count = 0;
  const start = nowMs();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 16; i++) count += (await op()) ?? 1;
    elapsed = nowMs() - start;
  }
  return (count * 1000) / elapsed;
}

/** Same as `rate` for a synchronous operation, without per-call await overhead. */
export function rateSync(op: () => number | void, minMs = 1000): number {
  for (let i = 0; i < 3; i++) op();
  let count = 0;
  const start = nowMs();
  let elapsed = 0;
  while (elapsed < minMs) {
    for (let i = 0; i < 64; i++) count += op() ?? 1;
    elapsed = nowMs() - start;
  }
  return (count * 1000) / elapsed;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const at = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[at]!;
}

/** A deterministic pseudo-random sequence (xorshift32), so runs pick the same indexes. */
export function seededRandom(seed = 0x9e3779b9): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
}
