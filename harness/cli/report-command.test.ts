/** The built `faultline report` command, run as a user would. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeSplitBrainRun } from '../../reports/testing/crafted-runs.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, 'main.js');
const out = join(here, '..', '..', '..', '.test-output', 'report-command');

function faultline(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

test('faultline report writes report.html into the run directory, prints its path and exits 0', () => {
  const run = join(out, 'split-brain');
  rmSync(run, { recursive: true, force: true });
  writeSplitBrainRun(run);
  const result = faultline('report', run);
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout.trim(), join(run, 'report.html'));
  assert.ok(existsSync(join(run, 'report.html')));
});

test('faultline report on a directory that is not a run exits 3 with one clear message', () => {
  mkdirSync(join(out, 'not-a-run'), { recursive: true });
  for (const [directory, message] of [
    [join(out, 'missing'), /run directory not found/],
    [join(out, 'not-a-run'), /not a run directory: it has no config.json/],
  ] as const) {
    const result = faultline('report', directory);
    assert.equal(result.code, 3, result.stderr);
    assert.match(result.stderr, message);
    assert.ok(!/\n\s+at /.test(result.stderr), `a stack trace was printed: ${result.stderr}`);
    assert.equal(result.stdout, '');
  }
});
