/**
 * Real ZooKeeper and etcd through the whole pipeline on the local runtime
 * (network namespaces), 3 nodes each: a register run under partitions and
 * kills is valid with the default read mode; lock and sequence runs complete
 * and are checked; a ZooKeeper clock run's skews are verified (a skew that
 * did not take effect would be an infrastructure error); and a run in the
 * weaker read mode with a follower cut off keeps that mode's promise while
 * any stale reads are shown as expected, not counted. Teardown leaves nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';
import { resourcesOfRun } from '../runtimes/real/test-support.js';
import { resolveConfig, type RunConfig } from './config.js';
import { runTest, type TestRunOutcome } from './execute.js';
import { FILES } from './run-store.js';

const out = temporaryDirectory('faultline-real-systems-');

async function realRun(seed: number, settings: Partial<RunConfig>): Promise<TestRunOutcome> {
  const config = resolveConfig('test', seed, { runtime: 'local', concurrency: 5, rate: 50, keys: 3, warmupSeconds: 2, timeLimitSeconds: 8, recoverySeconds: 3, out, ...settings });
  const outcome = await runTest(config, new Date(), () => {});
  assert.equal(outcome.report.infrastructureError, undefined, `${config.system}: ${outcome.report.infrastructureError}`);
  assert.deepEqual(await resourcesOfRun(`${seed}-${process.pid}`), [], 'teardown leaves nothing');
  return outcome;
}

function notValid(outcome: TestRunOutcome): string {
  return Object.entries(outcome.results.checkers).filter(([, result]) => result.valid !== true && result.expectedUnder === undefined).map(([name, result]) => `${name}: ${result.sentence ?? result.reason ?? ''}`).join('; ');
}

function nemesisEvents(outcome: TestRunOutcome): string[] {
  return readFileSync(join(outcome.directory, FILES.history), 'utf8').split('\n').filter((line) => line.includes('"nemesis"')).map((line) => (JSON.parse(line) as { f: string }).f);
}

for (const system of ['zookeeper', 'etcd']) {
  test(`${system}: a register run under partitions and kills is valid with the default read mode`, async () => {
    const outcome = await realRun(1, { system, workload: 'register', nemesis: 'partition,kill', maxActiveFaults: 1 });
    assert.equal(outcome.results.valid, true, notValid(outcome));
    assert.ok(nemesisEvents(outcome).some((f) => f.startsWith('start-')), 'faults were injected');
    assert.ok(outcome.results.ops > 100, `${outcome.results.ops} ops`);
    const config = JSON.parse(readFileSync(join(outcome.directory, FILES.config), 'utf8')) as RunConfig;
    assert.ok(Object.keys(config.versions ?? {}).length >= 2, `versions as the nodes report them: ${JSON.stringify(config.versions)}`);
  });

  test(`${system}: lock and sequence runs complete and are checked`, async () => {
    for (const workload of ['lock', 'sequence'] as const) {
      const outcome = await realRun(2, { system, workload, nemesis: 'partition' });
      assert.equal(outcome.results.valid, true, `${workload}: ${notValid(outcome)}`);
      assert.ok(outcome.results.ops > 20, `${workload}: ${outcome.results.ops} ops`);
    }
  });
}

test('zookeeper and etcd: the weaker read mode keeps its promise with a follower cut off; stale reads are shown as expected', async () => {
  const isolateFollower = [{ atMs: 3000, kind: 'partition' as const, durationMs: 6000, value: { target: 'isolate-follower' } }];
  for (const [system, readMode] of [['zookeeper', 'local'], ['etcd', 'serializable']] as const) {
    const outcome = await realRun(3, { system, readMode, workload: 'register', schedule: isolateFollower, rate: 100 });
    assert.equal(outcome.results.valid, true, `${system} ${readMode}: ${notValid(outcome)}`);
    const linearizability = outcome.results.checkers['linearizability:cas-register'];
    assert.ok(linearizability !== undefined, 'linearizability is still checked');
    assert.equal(linearizability.expectedUnder, readMode === 'local' ? 'sequential' : 'serializable');
    if (linearizability.valid === false) assert.match(readFileSync(join(outcome.directory, FILES.report), 'utf8'), /expected under read mode/);
  }
});

test('zookeeper: a clock run skews the nodes through libfaketime, each skew verified, and stays valid', async () => {
  const outcome = await realRun(4, { system: 'zookeeper', workload: 'register', nemesis: 'clock' });
  assert.ok(nemesisEvents(outcome).includes('start-clock'), 'clock faults were applied');
  assert.equal(outcome.results.valid, true, notValid(outcome));
});
