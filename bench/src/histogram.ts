/**
 * Latencies in milliseconds, counted in buckets 1 % wide (from 0.01 ms to hours), so that
 * millions of deliveries can be recorded in the socket worker processes and merged in the
 * scenario's process without shipping every value. Count, minimum and maximum are exact;
 * percentiles are within 1 %. `summary()` has the shape of `summarize` (machine.ts).
 */
const smallestMs = 0.01;
const growth = Math.log(1.01);

export type HistogramData = { counts: [bucket: number, count: number][]; n: number; min: number; max: number };

export class Histogram {
  private readonly counts = new Map<number, number>();
  private n = 0;
  private min = Infinity;
  private max = -Infinity;

  record(ms: number) {
    const bucket = ms <= smallestMs ? 0 : Math.floor(Math.log(ms / smallestMs) / growth) + 1;
    this.counts.set(bucket, (this.counts.get(bucket) ?? 0) + 1);
    this.n += 1;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
  }

  get count() {
    return this.n;
  }

  /** A plain object to send between processes (`Histogram.from` reads it back). */
  data(): HistogramData {
    return { counts: [...this.counts], n: this.n, min: this.min, max: this.max };
  }

  static from(...parts: HistogramData[]): Histogram {
    const merged = new Histogram();
    for (const part of parts) {
      for (const [bucket, count] of part.counts) merged.counts.set(bucket, (merged.counts.get(bucket) ?? 0) + count);
      merged.n += part.n;
      merged.min = Math.min(merged.min, part.min);
      merged.max = Math.max(merged.max, part.max);
    }
    return merged;
  }

  /** Count, minimum, median, 95th and 99th percentile (nearest rank, bucket midpoint) and maximum, rounded to 0.1. */
  summary() {
    const round = (value: number) => Math.round(value * 10) / 10;
    if (this.n === 0) return { n: 0, min: null, p50: null, p95: null, p99: null, max: null };
    const buckets = [...this.counts].sort((a, b) => a[0] - b[0]);
    const at = (q: number) => {
      const rank = Math.min(this.n - 1, Math.floor(q * this.n));
      let seen = 0;
      for (const [bucket, count] of buckets) {
        seen += count;
        if (seen > rank) {
          const middle = bucket === 0 ? smallestMs : smallestMs * Math.exp((bucket - 0.5) * growth);
          return Math.min(this.max, Math.max(this.min, middle));
        }
      }
      return this.max;
    };
    return { n: this.n, min: round(this.min), p50: round(at(0.5)), p95: round(at(0.95)), p99: round(at(0.99)), max: round(this.max) };
  }
}
