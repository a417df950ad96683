/**
 * Bug-free 30 s runs over every fault kind, two at once (`--nemesis all
 * --max-active-faults 2 --time-limit 30`), that once failed (issue 11):
 *
 * - Raft crashed with "leader state only exists on a leader" (exit 4): a
 *   leader stepping down failed its pending read barriers inside the
 *   step-down, and the server, answering one, proposed its next request on a
 *   node still named leader but without its leader state. Engine callbacks
 *   now run after the step (clusters/coordinator/engines/shared/steps.ts).
 * - ZAB, register, seeds 5200 and 5368: a leader whose wall clock was bumped
 *   forward (+213 s) and then reset found every follower's last ACK in its
 *   future, so check-quorum never deposed it; it led a dead epoch to the end
 *   and convergence found it stale. Timeouts now run on the monotonic clock.
 *
 * One seed per failing workload runs by default (a few seconds each);
 * FAULTLINE_ALL_SWEEP_SEEDS=1 runs all 39.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';
import { resolveConfig, type RunConfig } from './config.js';
import { runTest } from './execute.js';

const out = temporaryDirectory('faultline-sweep-seeds-');

type Case = readonly [RunConfig['system'], RunConfig['workload'], readonly number[]];

/** Every seed of 5000-5399 that failed before the fixes. The first of each runs by default. */
const FAILED_SEEDS: readonly Case[] = [
  ['coordinator-raft', 'register', [5001, 5005, 5121, 5147, 5162, 5169, 5170, 5223, 5252, 5275, 5290, 5314, 5339, 5341, 5350, 5370, 5390]],
  ['coordinator-raft', 'lock', [5043, 5125, 5207, 5314, 5326]],
  ['coordinator-raft', 'lock-fencing', [5009, 5117, 5138, 5165, 5181, 5198, 5207, 5242, 5246, 5283, 5297, 5335, 5339, 5367, 5383]],
  ['coordinator-zab', 'register', [5200, 5368]],
];

const everySeed = process.env.FAULTLINE_ALL_SWEEP_SEEDS === '1';

for (const [system, workload, seeds] of FAILED_SEEDS) {
  for (const seed of everySeed ? seeds : seeds.slice(0, system === 'coordinator-zab' ? 2 : 1)) {
    test(`${system}, ${workload}, every fault kind two at once, seed ${seed}, 30 s: runs to the end and every checker passes`, async () => {
      const settings = { system, workload, nemesis: 'all', maxActiveFaults: 2, timeLimitSeconds: 30, out } as const;
      const outcome = await runTest(resolveConfig('test', seed, settings), new Date(), () => {});
      assert.equal(outcome.report.incomplete, undefined, `cut short: ${outcome.report.incomplete} (${outcome.directory})`);
      for (const [name, result] of Object.entries(outcome.results.checkers)) {
        assert.equal(result.valid, true, `${name}: ${result.sentence ?? result.reason ?? ''} (${outcome.directory})`);
      }
    });
  }
}
