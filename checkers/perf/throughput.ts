/**
 * Throughput: ok operations per second, overall and per time bucket. Buckets
 * are whole seconds of run time by completion; a run too long for
 * MAX_BUCKETS one-second buckets gets wider buckets instead, so the result
 * stays small enough to chart.
 */
import type { Operation } from '../../common/history/types.js';

export const MAX_BUCKETS = 10_000;

export interface Throughput {
  /** ok operations over the span from the first invocation to the last completion (at least one second). */
  okPerSecond: number;
  bucketSeconds: number;
  /** Consecutive buckets from the first completion's to the last's; empty ones included. */
  buckets: Array<{ fromSeconds: number; ok: number }>;
}

export function throughput(operations: readonly Operation[]): Throughput {
  let [first, last] = [Infinity, -Infinity];
  let [firstBucket, lastBucket] = [Infinity, -Infinity];
  for (const operation of operations) {
    first = Math.min(first, operation.callTime!);
    last = Math.max(last, operation.returnTime ?? operation.callTime!);
    if (operation.status !== 'ok' || operation.returnTime === undefined) continue;
    const second = Math.floor(operation.returnTime / 1e9);
    firstBucket = Math.min(firstBucket, second);
    lastBucket = Math.max(lastBucket, second);
  }
  if (!Number.isFinite(firstBucket)) return { okPerSecond: 0, bucketSeconds: 1, buckets: [] };
  const bucketSeconds = Math.max(1, Math.ceil((lastBucket - firstBucket + 1) / MAX_BUCKETS));
  const counts = new Array<number>(Math.floor((lastBucket - firstBucket) / bucketSeconds) + 1).fill(0);
  let okCount = 0;
  for (const operation of operations) {
    if (operation.status !== 'ok' || operation.returnTime === undefined) continue;
    okCount += 1;
    counts[Math.floor((Math.floor(operation.returnTime / 1e9) - firstBucket) / bucketSeconds)]! += 1;
  }
  const spanSeconds = Math.max(1, (last - first) / 1e9);
  return {
    okPerSecond: okCount / spanSeconds,
    bucketSeconds,
    buckets: counts.map((ok, position) => ({ fromSeconds: firstBucket + position * bucketSeconds, ok })),
  };
}
