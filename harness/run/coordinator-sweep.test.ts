/**
 * The real coordinator on the simulator, through the one pipeline: seeds of
 * every fault kind, two at once, on both engines, over every workload (3
 * and 5 nodes, linearizable and lease reads) are judged valid by every
 * checker, replicas included once everything heals; the runs did real work
 * under real faults; the same seed gives the same trace and history, other
 * seeds other ones.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HistoryEvent } from '../../common/history/types.js';
import { discard, failures, historyOf, readHistoryText, simRun, type SimRunSettings } from './testing/sim-runs.js';

const SEEDS_PER_ENGINE = 8;
const TIME_LIMIT_SECONDS = 15;
/** Replay needs a run with faults and work, not a long one. */
const REPLAY_SECONDS = 6;
/** Faults faster than the helper's quick timing: about 40 in each 15 s run, two at once. */
const SWEEP_FAULT_TIMING = { faultMs: { min: 200, max: 800 }, quietMs: { min: 100, max: 600 } };

/** What a seed runs: the workloads in turn, five nodes every third seed, lease reads on some register runs. */
function sweepSettings(system: SimRunSettings['system'], seed: number): SimRunSettings {
  const workloads = ['register', 'lock', 'register', 'lock-fencing', 'sequence'] as const;
  const workload = workloads[seed % workloads.length]!;
  return {
    system,
    workload,
    nemesis: 'all',
    maxActiveFaults: 2,
    nodes: seed % 3 === 0 ? 5 : 3,
    // Enough writes that nodes compact their logs (every 1000 entries) under faults too.
    rate: 300,
    faultTiming: SWEEP_FAULT_TIMING,
    timeLimitSeconds: TIME_LIMIT_SECONDS,
    ...(workload === 'register' && seed % 2 === 0 ? { readMode: 'lease' as const } : {}),
  };
}

function count(history: readonly HistoryEvent[], wanted: (event: HistoryEvent) => boolean): number {
  return history.filter(wanted).length;
}

for (const system of ['coordinator-zab', 'coordinator-raft'] as const) {
  test(`${system}: ${SEEDS_PER_ENGINE} seeds of every fault kind, two at once, over every workload, are valid, replicas included`, async (context) => {
    let operations = 0;
    let succeeded = 0;
    let faults = 0;
    for (let seed = 1; seed <= SEEDS_PER_ENGINE; seed++) {
      const outcome = await simRun(seed, sweepSettings(system, seed));
      assert.deepEqual(failures(outcome), [], `seed ${seed} (${outcome.directory})`);
      const history = historyOf(outcome);
      operations += count(history, (event) => event.type === 'invoke');
      succeeded += count(history, (event) => event.type === 'ok' && event.process !== 'nemesis');
      faults += count(history, (event) => event.process === 'nemesis' && event.f.startsWith('start-'));
      discard(outcome);
    }
    context.diagnostic(`${operations} operations, ${succeeded} ok, ${faults} faults`);
    // The runs must have done real work under real faults for the verdict to mean anything.
    assert.ok(operations > 1000 * SEEDS_PER_ENGINE, `only ${operations} operations`);
    assert.ok(succeeded > operations / 2, `only ${succeeded} of ${operations} operations succeeded`);
    assert.ok(faults > 25 * SEEDS_PER_ENGINE, `only ${faults} faults`);
  });
}

test('the same seed gives the same trace and history on both engines under every fault kind; other seeds differ', async () => {
  for (const system of ['coordinator-zab', 'coordinator-raft'] as const) {
    const settings = { ...sweepSettings(system, 4242), timeLimitSeconds: REPLAY_SECONDS };
    const [first, second] = [await simRun(4242, settings), await simRun(4242, settings)];
    const history = historyOf(first);
    assert.ok(count(history, (event) => event.process === 'nemesis') > 5 && history.length > 200, 'the run should have faults and work to replay');
    assert.equal(second.report.traceHash, first.report.traceHash, system);
    assert.equal(readHistoryText(second), readHistoryText(first));
    const others = await Promise.all([4243, 4244].map(async (seed) => (await simRun(seed, settings)).report.traceHash));
    assert.equal(new Set([first.report.traceHash, ...others]).size, 3, `${system}: different seeds gave the same trace`);
  }
});
