/**
 * Test support for the real systems: runs a workload's own generator on
 * fixed keys against a real cluster with the run pipeline's workers, on the
 * wall clock, to its end (bounded in time), and judges the history with the
 * workload's checkers.
 */
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { inputFromEvents, type RoleSample } from '../../checkers/checker.js';
import { startWorkers } from '../../harness/run/workers.js';
import type { Scheduler } from '../../harness/runtimes/index.js';
import { WORKLOADS, type WorkloadClient, type WorkloadName } from '../../workloads/index.js';
import { judgeWorkload, type Judgement } from '../../workloads/testing/check.js';
import { onFixedKeys } from '../../workloads/testing/keyed.js';

export interface RealWorkloadRun {
  verdicts: Record<string, Judgement>;
  operations: number;
  /** Servers named by ok outcomes. */
  servers: Set<string>;
  elapsedMs: number;
}

export interface RealWorkloadOptions {
  workload: WorkloadName;
  operationsPerKey: number;
  keys: number;
  concurrency: number;
  openClient(worker: number): WorkloadClient;
  /** The run fails past this. */
  timeLimitMs: number;
  roles?: RoleSample[];
  finalStates?(keys: string[]): Promise<Record<string, Record<string, unknown>>>;
}

export async function runRealWorkload(options: RealWorkloadOptions): Promise<RealWorkloadRun> {
  const workload = WORKLOADS[options.workload];
  const startedMs = performance.now();
  const timers = new Set<NodeJS.Timeout>();
  const scheduler: Scheduler = {
    nowMs: () => performance.now() - startedMs,
    after: (delayMs, _label, fn) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, delayMs);
      timers.add(timer);
    },
  };
  const generator = onFixedKeys(workload, options.keys, { operationsPerKey: options.operationsPerKey });
  const clients: WorkloadClient[] = [];
  const run = startWorkers({
    scheduler,
    generator,
    concurrency: options.concurrency,
    seed: 7,
    openClient: (worker) => {
      const client = options.openClient(worker);
      clients.push(client);
      return client;
    },
  });
  try {
    while (!run.finished() && performance.now() - startedMs < options.timeLimitMs) await delay(50);
    assert.ok(run.finished(), `the ${options.workload} run did not end within ${options.timeLimitMs} ms`);
  } finally {
    for (const timer of timers) clearTimeout(timer);
    for (const client of clients) client.close();
  }
  const finalStates = options.finalStates === undefined ? undefined : await options.finalStates(generator.keys);
  const input = inputFromEvents(run.events, { ...(options.roles === undefined ? {} : { roles: options.roles }), ...(finalStates === undefined ? {} : { finalStates }) });
  const servers = new Set(run.events.map((event) => (event as { node?: string }).node).filter((node): node is string => typeof node === 'string'));
  return { verdicts: judgeWorkload(workload, input), operations: input.operations.length, servers, elapsedMs: performance.now() - startedMs };
}
