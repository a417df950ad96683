/** Faults as data end to end: a user's schedule runs exactly, a run records the faults it applied, and those run again give the same faults. */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FaultlineError } from '../../common/errors.js';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';
import type { RunConfig } from './config.js';
import { readConfigFile, resolveConfig } from './config.js';
import { FILES } from './run-store.js';
import { simRun } from './testing/sim-runs.js';

const folder = temporaryDirectory('faultline-schedule-test-');

/** The nemesis events of a run: kind of event, value, and the millisecond it happened. */
function faultEvents(directory: string): string[] {
  return readFileSync(join(directory, FILES.history), 'utf8')
    .split('\n')
    .filter((line) => line.includes('"nemesis"'))
    .map((line) => JSON.parse(line) as { f: string; value: unknown; time: number })
    .map((event) => `${Math.round(event.time / 1e6)} ${event.f} ${JSON.stringify(event.value)}`);
}

test('"isolate n1 at 5 s for 3 s", written by a user, is exactly what the run does', async () => {
  const schedule = [{ atMs: 5000, kind: 'partition' as const, durationMs: 3000, value: { target: 'custom', groups: [['n1'], ['n2', 'n3']] } }];
  const outcome = await simRun(3, { timeLimitSeconds: 10, schedule });
  assert.equal(outcome.config.nemesis, 'partition');
  assert.deepEqual(faultEvents(outcome.directory), [
    '5000 start-partition {"target":"custom","groups":[["n1"],["n2","n3"]]}',
    '8000 stop-partition {"target":"custom","groups":[["n1"],["n2","n3"]]}',
  ]);
  assert.equal(outcome.results.valid, true);
});

test("a run records the faults it applied; run again as a schedule, they are the same faults at the same times", async () => {
  const generated = await simRun(8, { timeLimitSeconds: 8, nemesis: 'all', maxActiveFaults: 2 });
  const recorded = JSON.parse(readFileSync(join(generated.directory, FILES.config), 'utf8')) as RunConfig;
  assert.ok((recorded.faultSchedule ?? []).length >= 3, `only ${recorded.faultSchedule?.length} faults recorded`);
  const again = await simRun(8, { timeLimitSeconds: 8, maxActiveFaults: 2, schedule: recorded.faultSchedule! });
  assert.deepEqual(faultEvents(again.directory), faultEvents(generated.directory));
  // A run's whole config.json is a config file: its recorded fields are skipped, and the run's options come back.
  const file = join(folder, 'config.json');
  writeFileSync(file, JSON.stringify(recorded));
  const layer = readConfigFile(file);
  assert.equal(layer.seed, 8);
  assert.equal('faultSchedule' in layer || 'versions' in layer || 'version' in layer, false);
});

test('a schedule is checked against the run before it starts, and cannot come with a nemesis', () => {
  const file = join(folder, 'bad.json');
  writeFileSync(file, JSON.stringify({ schedule: [{ atMs: 3000, kind: 'kill', durationMs: 1000, value: { nodes: ['n4'] } }] }));
  const refused = (action: () => unknown): FaultlineError => {
    try {
      action();
    } catch (error) {
      assert.ok(error instanceof FaultlineError);
      return error;
    }
    assert.fail('accepted');
  };
  const fromFile = refused(() => resolveConfig('test', 1, readConfigFile(file)));
  assert.equal(fromFile.code, 'E_CONFIG');
  assert.match(fromFile.describe(), /bad\.json: "schedule"\[0\]\.value: names node "n4", which this run does not have/);
  const both = refused(() => resolveConfig('test', 1, { nemesis: 'pause', schedule: [{ atMs: 3000, kind: 'kill', durationMs: 1000, value: {} }] }));
  assert.match(both.message, /a schedule \(faults kill\) and a nemesis "pause": give one or the other/);
  const tooLate = refused(() => resolveConfig('test', 1, { timeLimitSeconds: 5, schedule: [{ atMs: 6000, kind: 'kill', durationMs: 2000, value: {} }] }));
  assert.match(tooLate.describe(), /ends at 8000 ms, after the faults phase ends at 7000 ms/);
});
