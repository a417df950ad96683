/**
 * The real coordinator in the simulator: hundreds of seeds of random faults
 * on both engines break no consensus invariant and no client-visible
 * guarantee, and replicas agree again once everything heals; the same seed
 * gives the same trace; ZAB keeps committing promptly on reordering links.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EngineKind } from '../../../clusters/coordinator/engine.js';
import { describeFailure, runCoordinator, type CoordinatorRunOptions, type CoordinatorRunResult } from './coordinator-run.js';

const SEEDS_PER_ENGINE = 150;

/** A few simulated seconds of mixed work under a fault every 100-500 ms. */
function faultyRun(engine: EngineKind, seed: number): CoordinatorRunResult {
  const options: CoordinatorRunOptions = {
    seed,
    engine,
    nodes: seed % 3 === 0 ? 5 : 3,
    // Frequent snapshots, so that SNAP syncs and compaction run under faults too.
    engineTuning: { compactAfterEntries: 40 },
    durationMs: 3500,
    faults: { startMs: 300, intervalMs: { min: 100, max: 500 } },
    workload: {
      clients: 5,
      mix: { read: 3, write: 3, cas: 1, next: 2, lock: 1, readModes: ['linearizable', 'sequential', 'lease'], keys: ['a', 'b'] },
      thinkMs: { min: 2, max: 40 },
    },
    checkedReadModes: ['linearizable'],
  };
  return runCoordinator(options);
}

for (const engine of ['zab', 'raft'] as const) {
  test(`${engine}: ${SEEDS_PER_ENGINE} seeds of random faults break no invariant, and replicas converge after healing`, () => {
    let operations = 0;
    let succeeded = 0;
    let faults = 0;
    for (let seed = 1; seed <= SEEDS_PER_ENGINE; seed++) {
      const result = faultyRun(engine, seed);
      const failure = describeFailure(result);
      assert.equal(failure, null, failure ?? '');
      operations += result.history.length;
      succeeded += result.history.filter((operation) => operation.type === 'ok').length;
      faults += result.faults.length;
    }
    // The runs must have done real work under real faults for the verdict to mean anything.
    assert.ok(operations > 40 * SEEDS_PER_ENGINE, `only ${operations} operations`);
    assert.ok(succeeded > operations / 2, `only ${succeeded} of ${operations} operations succeeded`);
    assert.ok(faults > 5 * SEEDS_PER_ENGINE, `only ${faults} faults`);
  });
}

test('the same seed gives the same trace and history with the real coordinator and faults; other seeds differ', () => {
  for (const engine of ['zab', 'raft'] as const) {
    const first = faultyRun(engine, 4242);
    const second = faultyRun(engine, 4242);
    assert.ok(first.faults.length > 5 && first.history.length > 20, 'the run should have faults and work to replay');
    assert.equal(first.traceHash, second.traceHash, engine);
    assert.deepEqual(first.history, second.history);
    assert.deepEqual(first.faults, second.faults);
    const others = [4243, 4244].map((seed) => faultyRun(engine, seed).traceHash);
    assert.equal(new Set([first.traceHash, ...others]).size, 3, `${engine}: different seeds gave the same trace`);
  }
});

test('ZAB commits promptly on reordering links, as on FIFO ones', () => {
  for (const ordered of [false, true]) {
    const result = runCoordinator({
      seed: 11,
      engine: 'zab',
      network: { latency: { baseMs: 0.5, tailMeanMs: 1 }, ordered },
      durationMs: 3000,
      faults: null,
      workload: { clients: 10, mix: { write: 1 }, thinkMs: { min: 5, max: 15 } },
    });
    assert.equal(describeFailure(result), null);
    const latencies = result.history
      .filter((operation) => operation.type === 'ok' && operation.invokeMs > 1000)
      .map((operation) => operation.completeMs - operation.invokeMs)
      .sort((left, right) => left - right);
    assert.ok(latencies.length > 1000, `only ${latencies.length} writes`);
    const median = latencies[Math.floor(latencies.length / 2)] as number;
    const worst = latencies[latencies.length - 1] as number;
    assert.ok(median < 10 && worst < 50, `ordered=${ordered}: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms`);
  }
});
