/**
 * `faultline replay` of a run prints the stored verdict beside the replay's
 * and says whether a stored violation came back: a replay that passes never
 * prints a bare "valid" that hides the violation the run found.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, 'main.js');

function faultline(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A short simulated run; returns its directory. */
function simulatedRun(out: string, ...flags: string[]): string {
  const run = faultline('test', '--time-limit', '10', '--out', out, ...flags);
  assert.ok(run.code === 0 || run.code === 1, run.stdout + run.stderr);
  const [directory] = readdirSync(out).filter((name) => name !== 'latest');
  return join(out, directory!);
}

test('a replayed violation is named beside the stored one, and said to be reproduced', () => {
  const run = simulatedRun(temporaryDirectory('faultline-replay-bug-'), '--system', 'coordinator-zab', '--bug', 'follower-local-read', '--seed', '1');
  const replay = faultline('replay', run);
  assert.equal(replay.code, 1, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /stored verdict: VIOLATION \(linearizability:cas-register\); replay verdict: VIOLATION: the violation was reproduced/);
});

test('a stored violation the replay does not find is said so, never hidden behind a bare "valid"', () => {
  const run = simulatedRun(temporaryDirectory('faultline-replay-valid-'), '--seed', '1');
  // As if the run had found a violation that a replay does not (on a real runtime timing differs).
  const resultsFile = join(run, 'results.json');
  const results = JSON.parse(readFileSync(resultsFile, 'utf8')) as { valid: unknown; checkers: Record<string, { valid: unknown }> };
  results.valid = false;
  results.checkers['linearizability:cas-register']!.valid = false;
  writeFileSync(resultsFile, JSON.stringify(results));
  const replay = faultline('replay', run);
  assert.match(replay.stdout, /stored verdict: VIOLATION \(linearizability:cas-register\); replay verdict: valid: the violation was NOT reproduced/);
  assert.doesNotMatch(replay.stdout, /^\s*verdict: valid/m);
});
