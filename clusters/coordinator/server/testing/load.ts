/**
 * A closed-loop register load for measurements: N clients, each invoking
 * its next op as soon as the last one ends, bounded by time and count.
 * Reports ops per second and latency percentiles.
 */
import { SeededRandom } from '../../../../common/random.js';
import type { OperationOutcome, OperationRequest, WorkloadClient } from '../../../../workloads/index.js';

export interface LoadResult {
  operations: number;
  ok: number;
  fail: number;
  info: number;
  seconds: number;
  operationsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  open(): WorkloadClient;
  clients: number;
  durationMs: number;
  maxOperations: number;
  keys?: string[];
  seed?: number;
}

export async function runRegisterLoad(options: LoadOptions): Promise<LoadResult> {
  const keys = options.keys ?? ['a', 'b', 'c', 'd', 'e'];
  const latenciesMs: number[] = [];
  const counts = { ok: 0, fail: 0, info: 0 };
  const started = performance.now();
  const deadline = started + options.durationMs;
  let issued = 0;
  let nextValue = 1;
  const worker = async (index: number): Promise<void> => {
    const random = new SeededRandom(options.seed ?? 1).fork(`load-${index}`);
    let client = options.open();
    while (performance.now() < deadline && issued < options.maxOperations) {
      issued += 1;
      const key = keys[random.integer(0, keys.length)] as string;
      const request = pickRequest(random.integer(0, 3), key, nextValue++, random.integer(1, nextValue));
      const begin = performance.now();
      const outcome = await new Promise<OperationOutcome>((resolve) => client.invoke(request, resolve));
      latenciesMs.push(performance.now() - begin);
      counts[outcome.type] += 1;
      if (outcome.type === 'info') {
        client.close();
        client = options.open();
      }
    }
    client.close();
  };
  await Promise.all(Array.from({ length: options.clients }, (_, index) => worker(index)));
  const seconds = (performance.now() - started) / 1000;
  latenciesMs.sort((a, b) => a - b);
  const percentile = (share: number): number => latenciesMs[Math.min(latenciesMs.length - 1, Math.floor(share * latenciesMs.length))] ?? 0;
  return { operations: latenciesMs.length, ...counts, seconds, operationsPerSecond: latenciesMs.length / seconds, p50Ms: percentile(0.5), p99Ms: percentile(0.99) };
}

function pickRequest(kind: number, key: string, value: number, guess: number): OperationRequest {
  if (kind === 0) return { f: 'read', key, value: null };
  if (kind === 1) return { f: 'write', key, value };
  return { f: 'cas', key, value: [guess, value] };
}
