/**
 * Latency percentiles within a fixed memory and time bound. Up to
 * DEFAULT_MAX_SAMPLES latencies per group are kept and the percentiles
 * selected from them exactly (quickselect: linear, no full sort); past
 * that, a seeded reservoir keeps a uniform sample of that size (Algorithm R,
 * with a small inline generator: one multiply-xorshift step per latency),
 * so a million operations cost one pass plus a few selections over 200,000 numbers,
 * and the same history always gives the same numbers. With 200,000 samples a
 * percentile's rank is off by well under 0.5% of the count. The count and
 * the maximum are always exact.
 */
import { hashString } from '../../common/random.js';

export const DEFAULT_MAX_SAMPLES = 200_000;

export interface LatencySummary {
  /** Completed (ok or fail) operations measured. */
  count: number;
  /** Nearest-rank percentiles: the smallest latency at or above that share of the measured ones. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** True when the percentiles come from a sample rather than every latency. */
  sampled: boolean;
}

export class LatencySample {
  /** Grows by doubling up to maxSamples; typed, so a million latencies make no garbage. */
  private values = new Float64Array(1024);
  private kept = 0;
  private count = 0;
  private max = -Infinity;
  /** mulberry32 state, seeded by the group's name so groups do not share a stream and results repeat exactly. */
  private state: number;

  constructor(
    name: string,
    private readonly maxSamples: number = DEFAULT_MAX_SAMPLES,
  ) {
    this.state = hashString(name);
  }

  add(latencyMs: number): void {
    this.count += 1;
    if (latencyMs > this.max) this.max = latencyMs;
    if (this.kept < this.maxSamples) {
      if (this.kept === this.values.length) this.grow();
      this.values[this.kept++] = latencyMs;
      return;
    }
    const slot = Math.floor(this.nextUnit() * this.count);
    if (slot < this.maxSamples) this.values[slot] = latencyMs;
  }

  private grow(): void {
    const larger = new Float64Array(Math.min(this.maxSamples, this.values.length * 2));
    larger.set(this.values);
    this.values = larger;
  }

  /** Uniform in [0, 1); common/random's streams carry checks too slow for a million calls. */
  private nextUnit(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = this.state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  }

  summary(): LatencySummary | undefined {
    if (this.count === 0) return undefined;
    const values = this.values.slice(0, this.kept);
    // Selecting in increasing rank lets each selection work on the part above the previous one.
    const p50Ms = select(values, rankOf(0.5, this.kept) - 1, 0);
    const p90Ms = select(values, rankOf(0.9, this.kept) - 1, rankOf(0.5, this.kept) - 1);
    const p99Ms = select(values, rankOf(0.99, this.kept) - 1, rankOf(0.9, this.kept) - 1);
    return { count: this.count, p50Ms, p90Ms, p99Ms, maxMs: this.max, sampled: this.count > this.kept };
  }
}

/** Nearest rank, 1-based. */
function rankOf(share: number, count: number): number {
  return Math.max(1, Math.ceil(share * count));
}

/**
 * The value of the given 0-based rank, partially ordering `values` in place
 * (Hoare's quickselect, median-of-three pivots). Everything below `from` must
 * already be no larger than everything at or above it.
 */
function select(values: Float64Array, rank: number, from: number): number {
  let [low, high] = [from, values.length - 1];
  while (low < high) {
    const pivot = medianOfThree(values[low]!, values[(low + high) >>> 1]!, values[high]!);
    let [left, right] = [low, high];
    while (left <= right) {
      while (values[left]! < pivot) left++;
      while (values[right]! > pivot) right--;
      if (left <= right) {
        const held = values[left]!;
        values[left++] = values[right]!;
        values[right--] = held;
      }
    }
    if (rank <= right) high = right;
    else if (rank >= left) low = left;
    else return values[rank]!;
  }
  return values[rank]!;
}

function medianOfThree(first: number, second: number, third: number): number {
  return Math.max(Math.min(first, second), Math.min(Math.max(first, second), third));
}
