import type { LatencySummary } from '../console-api/types.js';

/**
 * An HDR-style latency histogram: values in microseconds go into log-linear buckets (exact below
 * 256 µs, then 128 buckets per power of two), so any percentile is within 1% of the true value,
 * memory is fixed (~4 700 counters up to 50 days) and recording is O(1) — no sorted array of
 * every sample. Histograms of several workers merge by adding counters.
 */
const SUB_BITS = 8;
const SUB = 1 << SUB_BITS;
const HALF = SUB >> 1;
const MAX_BITS = 42;
const BUCKETS = SUB + HALF * (MAX_BITS - SUB_BITS + 1);
const MAX_US = 2 ** MAX_BITS - 1;

function indexOf(us: number): number {
  if (us < SUB) return us;
  const k = Math.floor(Math.log2(us));
  const shift = k - SUB_BITS + 1;
  return SUB + (shift - 1) * HALF + (Math.floor(us / 2 ** shift) - HALF);
}

/** The largest value that lands in bucket `index`. */
function highestIn(index: number): number {
  if (index < SUB) return index;
  const shift = Math.floor((index - SUB) / HALF) + 1;
  const low = ((index - SUB) % HALF) + HALF;
  return (low + 1) * 2 ** shift - 1;
}

export class LatencyHistogram {
  private readonly counts = new Float64Array(BUCKETS);
  private total = 0;
  private sumUs = 0;
  private minUs = Number.POSITIVE_INFINITY;
  private maxUs = 0;

  get count(): number {
    return this.total;
  }

  recordMs(ms: number): void {
    const us = Math.min(Math.max(Math.round(ms * 1000), 0), MAX_US);
    this.counts[indexOf(us)]!++;
    this.total++;
    this.sumUs += us;
    if (us < this.minUs) this.minUs = us;
    if (us > this.maxUs) this.maxUs = us;
  }

  add(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i]! += other.counts[i]!;
    this.total += other.total;
    this.sumUs += other.sumUs;
    this.minUs = Math.min(this.minUs, other.minUs);
    this.maxUs = Math.max(this.maxUs, other.maxUs);
  }

  /** The value at quantile q (0..1): the highest value of the bucket holding that rank, at most the maximum. */
  atQuantileMs(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(highestIn(i), this.maxUs) / 1000;
    }
    return this.maxUs / 1000;
  }

  summary(): LatencySummary {
    const empty = this.total === 0;
    return {
      count: this.total,
      minMs: empty ? 0 : this.minUs / 1000,
      p50Ms: this.atQuantileMs(0.5),
      p90Ms: this.atQuantileMs(0.9),
      p99Ms: this.atQuantileMs(0.99),
      p999Ms: this.atQuantileMs(0.999),
      maxMs: this.maxUs / 1000,
      meanMs: empty ? 0 : this.sumUs / this.total / 1000,
    };
  }

  /** Counts in at most `bars` bars of equal width on a log scale between min and max, for a chart. */
  bars(bars = 40): { upToMs: number; count: number }[] {
    if (this.total === 0) return [];
    const lo = Math.log(Math.max(this.minUs, 1));
    const hi = Math.log(Math.max(this.maxUs, 2));
    const width = Math.max((hi - lo) / bars, 1e-9);
    const out = Array.from({ length: bars }, (_, i) => ({ upToMs: Math.exp(lo + (i + 1) * width) / 1000, count: 0 }));
    for (let i = 0; i < BUCKETS; i++) {
      const n = this.counts[i]!;
      if (n === 0) continue;
      const v = Math.min(highestIn(i), this.maxUs);
      const bar = Math.min(bars - 1, Math.max(0, Math.floor((Math.log(Math.max(v, 1)) - lo) / width)));
      out[bar]!.count += n;
    }
    return out;
  }
}
