/**
 * Test support for generator tests: a client that echoes each request after
 * a seeded latency, and helpers to run a generator and read its history.
 */
import { SeededRandom } from '../../common/random.js';
import type { OperationGenerator, OperationOutcome, WorkloadClient } from '../../workloads/index.js';
import { runWorkers, type RecordedEvent } from '../run/workers.js';
import { ManualScheduler } from '../../common/testing/manual-scheduler.js';

export interface EchoOptions {
  maxLatencyMs?: number;
  /** Share of operations that end info. */
  infoRate?: number;
  seed?: number;
}

/** Answers ok with the request's value (or info, now and then) after up to maxLatencyMs. */
export function echoClients(scheduler: ManualScheduler, options: EchoOptions = {}): () => WorkloadClient {
  const random = new SeededRandom(options.seed ?? 17);
  const maxLatencyMs = options.maxLatencyMs ?? 10;
  return () => ({
    invoke(request, done) {
      const outcome: OperationOutcome = random.chance(options.infoRate ?? 0)
        ? { type: 'info', error: 'timeout' }
        : { type: 'ok', value: request.value };
      scheduler.after(random.next() * maxLatencyMs, 'echo', () => done(outcome));
    },
    close() {},
  });
}

/** Runs the generator with echo clients to the end; returns the history. */
export function runEcho(generator: OperationGenerator, concurrency: number, seed = 1, echo: EchoOptions = {}): RecordedEvent[] {
  const scheduler = new ManualScheduler();
  const open = echoClients(scheduler, { seed, ...echo });
  const run = runWorkers({ scheduler, generator, concurrency, seed, openClient: open });
  if (!run.finished()) throw new Error('the generator never finished');
  return run.events;
}

export function invocations(events: readonly RecordedEvent[]): RecordedEvent[] {
  return events.filter((event) => event.type === 'invoke');
}

/** Times in milliseconds. */
export function millis(event: RecordedEvent): number {
  return event.time! / 1e6;
}
