/**
 * A short run on each real runtime records the faults and first operations
 * its plan says (the plan the simulator runs too, plan.test.ts): the same
 * kinds in the same order, the same targets where no leader is involved, and
 * starts on time within the wall clock's slack.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';
import { cleanLeftovers } from '../runtimes/real/index.js';
import { resolveConfig } from './config.js';
import { runTest } from './execute.js';
import { asRecorded, leaderBased, readRecordedRun } from './plan-support.js';
import { planRun } from './plan.js';

const out = temporaryDirectory('faultline-plan-real-');
/** Timers on a loaded machine fire late; a fault's start may drift by this much from its plan. */
const START_SLACK_MS = 1500;

after(async () => {
  await cleanLeftovers();
});

for (const runtime of ['local', 'docker'] as const) {
  test(`${runtime}: a short run records its plan's faults and first operations`, async () => {
    const config = resolveConfig('test', 21, {
      out, runtime, nemesis: 'partition,pause', warmupSeconds: 1, timeLimitSeconds: 4, recoverySeconds: 1,
      faultTiming: { faultMs: { min: 500, max: 1000 }, quietMs: { min: 200, max: 500 } },
    });
    const plan = planRun(config);
    const outcome = await runTest(config, new Date(), () => {});
    assert.equal(outcome.report.infrastructureError, undefined, JSON.stringify(outcome.report));
    const recorded = readRecordedRun(outcome.directory, config.concurrency);
    assert.deepEqual(recorded.firstOperations, asRecorded(plan.firstOperations));
    // Late timers can push the last planned fault past the heal, or let one more in: compare all but the last.
    const compared = Math.min(recorded.faults.length, plan.faults.length) - 1;
    assert.ok(compared >= 2, `only ${recorded.faults.length} faults recorded, ${plan.faults.length} planned`);
    for (let index = 0; index < compared; index++) {
      const [live, planned] = [recorded.faults[index]!, plan.faults[index]!];
      assert.equal(live.kind, planned.kind, `fault ${index}'s kind`);
      assert.ok(Math.abs(live.startMs - planned.startMs) < START_SLACK_MS, `fault ${index} started at ${live.startMs} ms, planned ${planned.startMs} ms`);
      if (!leaderBased(live.value)) assert.deepEqual(live.value, planned.value, `fault ${index}'s targets`);
    }
  });
}
