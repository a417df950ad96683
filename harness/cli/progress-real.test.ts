/**
 * A real run whose stderr is not a terminal (a CI log) says what it is doing:
 * a line at each phase and a status line every 10 s, not 20 s of silence.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cleanLeftovers } from '../runtimes/real/index.js';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), 'main.js');

after(async () => {
  await cleanLeftovers();
});

test('a local run in a CI log prints each phase in order and a status line every 10 s', () => {
  const out = temporaryDirectory('faultline-progress-local-');
  const run = spawnSync(process.execPath, [cli, 'test', '--runtime', 'local', '--time-limit', '10', '--seed', '5', '--out', out], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const label = 'faultline: coordinator-raft seed 5 on local: ';
  const expected = [
    /^booting \(3 nodes\)$/,
    /^healthy \(leader n\d after \d+\.\d s\)$/,
    /^0 s: warm-up \(2 s\)$/,
    /^2 s: faults \(10 s, nemesis partition\)$/,
    /^1\d s: heal$/,
    /^1\d s: recovery \(5 s\)$/,
    /^[12]\d s: final reads$/,
    /^checking \(\d+ events\)$/,
    /^done \(valid\)$/,
  ];
  const lines = run.stderr.trim().split('\n');
  assert.ok(lines.every((line) => line.startsWith(label)), run.stderr);
  const said = lines.map((line) => line.slice(label.length));
  const status = /^\d+ s: \d+ ops, (no faults|faults: partition)$/;
  const phases = said.filter((line) => !status.test(line));
  assert.equal(phases.length, expected.length, run.stderr);
  phases.forEach((line, index) => assert.match(line, expected[index]!, run.stderr));
  // Every 10 s of the run's clock: the first at 10 s, in the faults phase.
  assert.match(said[said.indexOf(phases[3]!) + 1]!, /^10 s: [1-9]\d* ops, /, run.stderr);
});
