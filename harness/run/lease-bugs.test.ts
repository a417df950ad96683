/**
 * The bug modes about leases (clusters/coordinator/bugs.ts) that need a fault
 * outlasting the 5 s session timeout, so the quick faults of
 * coordinator-bugs.test.ts cannot show them: on seeds found to catch them,
 * the lock checkers judge the run invalid with the bug on and every checker
 * passes on the same seed without it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { discard, failures, invalidCheckers, simRun, type SimRunSettings } from './testing/sim-runs.js';

/** Partitions of 6 to 9 s: long enough for a session to expire behind one. */
const LONG_FAULTS: SimRunSettings['faultTiming'] = { faultMs: { min: 6000, max: 9000 }, quietMs: { min: 500, max: 1500 } };
const LOCK_CHECKERS = ['lock', 'linearizability:mutex'];

const CASES = [
  { bug: 'lock-skips-lease-check', system: 'coordinator-raft', seed: 8, nemesis: 'partition' },
  { bug: 'lock-skips-lease-check', system: 'coordinator-zab', seed: 9, nemesis: 'partition' },
] as const;

for (const { bug, system, seed, nemesis } of CASES) {
  test(`${system}: ${bug} gives two lock holders on seed ${seed}, and the same seed is clean without it`, async () => {
    const settings: SimRunSettings = { system, workload: 'lock', nemesis, timeLimitSeconds: 12, faultTiming: LONG_FAULTS };
    const buggy = await simRun(seed, { ...settings, bugs: [bug] });
    const invalid = invalidCheckers(buggy);
    assert.ok(invalid.some((name) => LOCK_CHECKERS.includes(name)), `not caught by the lock checkers: ${failures(buggy).join('; ')} (${buggy.directory})`);
    discard(buggy);
    const clean = await simRun(seed, settings);
    assert.deepEqual(failures(clean), [], `without the bug, seed ${seed} still failed (${clean.directory})`);
    discard(clean);
  });
}
