/**
 * One seed and config give one fault schedule and one op schedule on every
 * runtime: the plan is data computed from the config alone, and a simulated
 * run records exactly the faults and first operations its plan says.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';
import { runtimeNamed } from '../runtimes/index.js';
import { systemNamed } from '../../clusters/index.js';
import { DEFAULTS, resolveConfig, RUNTIME_NAMES, type RunConfig } from './config.js';
import { runTest } from './execute.js';
import { asRecorded, leaderBased, readRecordedRun } from './plan-support.js';
import { planRun } from './plan.js';

const out = temporaryDirectory('faultline-plan-');
const TIMING = { faultMs: { min: 500, max: 1500 }, quietMs: { min: 200, max: 800 } };

/** The ssh runtime needs a host per node to resolve a config; the plan never reaches them. */
const SSH_HOSTS = ['root@10.0.0.1', 'root@10.0.0.2', 'root@10.0.0.3'];
/** Every runtime the default system (the coordinator) runs on. */
const RUNTIMES = RUNTIME_NAMES.filter((runtime) => systemNamed(DEFAULTS.system).runtimes.includes(runtime as RunConfig['runtime']));

function config(overrides: Partial<RunConfig>, seed: number): RunConfig {
  return resolveConfig('test', seed, { out, nemesis: 'all', maxActiveFaults: 2, timeLimitSeconds: 10, warmupSeconds: 1, recoverySeconds: 1, faultTiming: TIMING, sshHosts: SSH_HOSTS, ...overrides });
}

test('the same seed and config give the same fault and op schedule on sim, local and docker', () => {
  const [sim, ...real] = RUNTIMES.map((runtime) => planRun(config({ runtime: runtime as RunConfig['runtime'] }, 21)));
  assert.ok(sim!.faults.length >= 5, `only ${sim!.faults.length} faults planned`);
  assert.equal(new Set(sim!.faults.map((fault) => fault.kind)).size, 4, 'every kind of fault is planned');
  assert.equal(sim!.firstOperations.length, 10, 'every worker has a first operation');
  for (const plan of real) assert.deepEqual(plan, sim);
  // Not the same whatever the seed: another seed plans another schedule.
  const other = planRun(config({ runtime: 'sim' }, 22));
  assert.notDeepEqual(other.faults.map((fault) => [fault.kind, fault.startMs]), sim!.faults.map((fault) => [fault.kind, fault.startMs]));
  assert.notDeepEqual(other.firstOperations, sim!.firstOperations);
});

test('each runtime has one default fault timing, recorded in the resolved config', () => {
  for (const runtime of RUNTIMES) {
    const resolved = resolveConfig('test', 1, { runtime: runtime as RunConfig['runtime'], sshHosts: SSH_HOSTS });
    assert.deepEqual(resolved.faultTiming, runtimeNamed(runtime).faultTiming);
    assert.deepEqual(JSON.parse(JSON.stringify(resolved)).faultTiming, runtimeNamed(runtime).faultTiming);
  }
  assert.deepEqual(resolveConfig('test', 1, { runtime: 'docker', faultTiming: TIMING }).faultTiming, TIMING);
  assert.throws(() => resolveConfig('test', 1, { faultTiming: { faultMs: { min: 5, max: 1 }, quietMs: { min: 0, max: 1 } } }), /faultMs needs whole milliseconds/);
});

test('a simulated run records the faults and first operations of its plan, at the planned times', async () => {
  const runConfig = config({ runtime: 'sim' }, 21);
  const plan = planRun(runConfig);
  const outcome = await runTest(runConfig, new Date(), () => {});
  const recorded = readRecordedRun(outcome.directory, runConfig.concurrency);
  assert.deepEqual(
    recorded.faults.map((fault) => [fault.kind, fault.startMs]),
    plan.faults.map((fault) => [fault.kind, fault.startMs]),
  );
  for (const [index, fault] of recorded.faults.entries()) {
    if (!leaderBased(fault.value)) assert.deepEqual(fault.value, plan.faults[index]!.value, `fault ${index}'s targets`);
  }
  assert.deepEqual(recorded.firstOperations, asRecorded(plan.firstOperations));
});
