/**
 * Each of the coordinator's bug modes (clusters/coordinator/bugs.ts), on
 * both engines, shows in the simulator: with the bug on, some seed breaks a
 * consensus invariant, leaves replicas that never agree again, or hands a
 * client an anomaly (a stale read, a sequence id going backwards); with the
 * bug off, the same seeds come out clean.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUG_MODES } from '../../../clusters/coordinator/bugs.js';
import type { EngineKind } from '../../../clusters/coordinator/engine.js';
import { describeFailure, runCoordinator, type CoordinatorRunOptions } from './coordinator-run.js';
import type { WorkloadOptions } from './coordinator-workload.js';
import type { RandomFaultOptions } from './random-faults.js';

const SEED_LIMIT = 100;

type Scenario = Omit<CoordinatorRunOptions, 'seed' | 'engine'> & {
  /** What the failure with the bug on must look like. */
  expected: RegExp;
};

const CONSENSUS_FAILURE = /invariant [a-z-]+ broken|did not converge/;

/** A workload and a nemesis for each bug, as bugs.ts names them. */
const SCENARIOS: Record<string, Scenario> = {
  'vote-ignores-log': scenario({ kinds: ['crash', 'crash-leader', 'partition', 'isolate-leader'] }, { write: 1 }, CONSENSUS_FAILURE),
  'ack-before-quorum': scenario({ kinds: ['crash-leader', 'isolate-leader'] }, { write: 1 }, CONSENSUS_FAILURE),
  'minority-commit': scenario({ kinds: ['isolate-leader', 'partition'] }, { write: 1 }, CONSENSUS_FAILURE),
  'stale-lease-read': {
    // Readers and writers take turns by worker, so readers stuck with a deposed leader keep reading.
    ...scenario({ kinds: ['isolate-leader', 'clock-drift'], driftRate: { min: 0.8, max: 1 } }, [{ read: 1, readModes: ['lease'] }, { write: 1 }], /stale-read: .*\(lease\)/),
    // A lease configured past the election timeout: the correct lease is cut to fit, the buggy one is not.
    timing: { leaseMs: 600 },
    checkedReadModes: ['lease'],
  },
  'crash-on-leader-loss': scenario({ kinds: ['isolate-leader', 'partition'] }, { write: 1 }, /n\d crashed at [\d.]+ s of simulated time: AssertionError: .*lost its leadership/),
  'follower-local-read': scenario({ kinds: ['partition', 'isolate-leader'] }, { write: 1, read: 2 }, /stale-read: .*\(linearizable\)/),
  'unreplicated-sequence': scenario({ kinds: ['crash', 'crash-leader', 'partition'] }, { next: 1 }, /sequence-(out-of-order|duplicate)/),
};

function scenario(faults: Omit<RandomFaultOptions, 'startMs' | 'endMs' | 'intervalMs'>, mix: WorkloadOptions['mix'], expected: RegExp): Scenario {
  return {
    durationMs: 3000,
    faults: { startMs: 300, intervalMs: { min: 200, max: 600 }, ...faults },
    workload: { clients: 5, mix, thinkMs: { min: 5, max: 30 } },
    expected,
  };
}

/** The first seeds (at most `wanted`) whose run with the bug on fails, with how it failed. */
function failingSeeds(engine: EngineKind, bug: string, wanted: number): { seed: number; failure: string }[] {
  const { expected: _expected, ...options } = SCENARIOS[bug] as Scenario;
  const found: { seed: number; failure: string }[] = [];
  for (let seed = 1; seed <= SEED_LIMIT && found.length < wanted; seed++) {
    const failure = describeFailure(runCoordinator({ ...options, seed, engine, bugs: [bug] }));
    if (failure !== null) found.push({ seed, failure });
  }
  return found;
}

test('every bug mode in bugs.ts has a scenario here', () => {
  assert.deepEqual(Object.keys(SCENARIOS).sort(), BUG_MODES.map((mode) => mode.name).sort());
});

for (const mode of BUG_MODES) {
  for (const engine of ['zab', 'raft'] as const) {
    test(`${engine}: ${mode.name} shows in the simulator, and the same seeds are clean without it`, (context) => {
      const { expected, ...options } = SCENARIOS[mode.name] as Scenario;
      const found = failingSeeds(engine, mode.name, 2);
      assert.ok(found.length > 0, `no seed up to ${SEED_LIMIT} showed ${mode.name}`);
      for (const { seed, failure } of found) {
        assert.match(failure, expected, `seed ${seed} failed, but not as ${mode.name} should`);
        context.diagnostic((failure.split('\n')[0] as string).slice(0, 300));
        const clean = describeFailure(runCoordinator({ ...options, seed, engine }));
        assert.equal(clean, null, `without the bug, seed ${seed} still failed: ${clean}`);
      }
    });
  }
}
