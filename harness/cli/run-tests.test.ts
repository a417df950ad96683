/** faultline test, check <run-dir> and replay, run as a user would. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), 'main.js');
const out = temporaryDirectory('faultline-cli-runs-');

function faultline(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

test('a run prints its verdicts and path, exits 0, and can be re-checked and replayed identically', () => {
  const run = faultline('test', '--time-limit', '5', '--seed', '21', '--out', out);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /linearizability:cas-register\s+valid/);
  assert.match(run.stdout, /verdict: valid\s+run: .*coordinator-raft-register-21/);
  // The output ends with where the report is and the command that rebuilds it, and that command works.
  const ending = /report: (.*coordinator-raft-register-21)\/report\.html\n {2}rebuild it \(and print its path\): npx faultline report (.*)\n$/.exec(run.stdout);
  assert.ok(ending !== null, run.stdout);
  assert.equal(ending[2], ending[1]);
  const report = faultline('report', ending[2]!);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /coordinator-raft-register-21\/report\.html\n$/);
  const check = faultline('check', join(out, 'latest'));
  assert.equal(check.code, 0, check.stdout + check.stderr);
  const replay = faultline('replay', join(out, 'latest'));
  assert.equal(replay.code, 0, replay.stdout + replay.stderr);
  assert.match(replay.stdout, /history: identical to the stored run/);
});

test('--json and --test-count give one summary per seed; a caught bug exits 1', () => {
  const args = ['test', '--time-limit', '20', '--seed', '3', '--test-count', '2', '--bug', 'follower-local-read', '--json', '--out', out];
  const run = faultline(...args);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { seed: number; valid: unknown; run: string });
  assert.deepEqual(lines.map((line) => line.seed), [3, 4]);
  assert.ok(lines.some((line) => line.valid === false));
});

test('a node crash is a finding: exit 1, and --test-count goes on to the next seeds', () => {
  // Which of the seeds crash a node under this planted bug moves with the schedule's streams; the batch runs them all.
  const run = faultline('test', '--time-limit', '10', '--seed', '1', '--test-count', '3', '--bug', 'crash-on-leader-loss', '--out', out);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.equal(run.stderr, '');
  assert.deepEqual([...run.stdout.matchAll(/seed=(\d+)/g)].map((match) => Number(match[1])), [1, 2, 3]);
  assert.match(run.stdout, /crash\s+VIOLATION\s+n\d crashed at [\d.]+ s: AssertionError: n\d lost its leadership/);
  // Each seed's lines start at its heading; the first seed whose lines name a crash is where --stop-on-failure stops.
  const blocks = run.stdout.split(/^(?=\S.*seed=\d+)/m).filter((block) => /seed=\d+/.test(block));
  const firstCrash = Number(/seed=(\d+)/.exec(blocks.find((block) => /crash\s+VIOLATION/.test(block)) ?? '')?.[1]);
  assert.ok(firstCrash >= 1 && firstCrash <= 3, run.stdout);
  const stopped = faultline('test', '--time-limit', '10', '--seed', '1', '--test-count', '3', '--bug', 'crash-on-leader-loss', '--stop-on-failure', '--out', out);
  assert.equal(stopped.code, 1);
  assert.deepEqual([...stopped.stdout.matchAll(/seed=(\d+)/g)].map((match) => Number(match[1])), Array.from({ length: firstCrash }, (_, index) => index + 1));
});

test('run option mistakes exit 3 with one clear message', () => {
  const badConfig = join(out, 'bad-config.json');
  writeFileSync(badConfig, '{"nodes": "three"}');
  const cases: [string[], RegExp][] = [
    [['--nodes', '0'], /--nodes must be an integer from 3 to 9, got 0/],
    [['--nodes', '2'], /--nodes is 2, which cannot survive any fault: a majority of 2 is 2/],
    [['--config', badConfig], /bad-config\.json: "nodes" must be an integer from 3 to 9, got "three"/],
    [['--bug', 'nope'], /unknown bug "nope"[\s\S]*vote-ignores-log/],
    [['--workload', 'queue'], /--workload must be one of register, .*; got "queue"/],
    [['--nemesis', 'flood'], /flood/],
    [['--config', join(out, 'missing.json')], /config file not found/],
    [['--partitions', 'halves,nope'], /--partitions: "nope" is not a partition shape\n.*isolate-leader, halves/],
  ];
  for (const [args, pattern] of cases) {
    const run = faultline('test', '--time-limit', '1', '--out', out, ...args);
    assert.equal(run.code, 3, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, pattern, args.join(' '));
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(run.stderr.match(/faultline:/g)?.length, 1, `one message: ${run.stderr}`);
  }
});

test('--partitions picks the partition shapes and keeps the other nemesis options of a --config file', () => {
  const config = join(out, 'nemesis-options.json');
  writeFileSync(config, JSON.stringify({ nemesis: 'partition,kill', nemesisOptions: { kill: { targets: ['leader'] }, partition: { targets: ['one-way'] } } }));
  const run = faultline('test', '--config', config, '--partitions', 'halves, bridge', '--time-limit', '6', '--seed', '4', '--out', out);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const stored = JSON.parse(readFileSync(join(out, 'latest', 'config.json'), 'utf8')) as { nemesisOptions: unknown; faultSchedule: { kind: string; value?: { target?: string } }[] };
  assert.deepEqual(stored.nemesisOptions, { kill: { targets: ['leader'] }, partition: { targets: ['halves', 'bridge'] } });
  const shapes = stored.faultSchedule.filter((fault) => fault.kind === 'partition').map((fault) => fault.value?.target);
  assert.ok(shapes.length > 0 && shapes.every((shape) => shape === 'halves' || shape === 'bridge'), JSON.stringify(stored.faultSchedule));
});

test('Ctrl-C stops a run, which is healed, stored and checked, and exits 2 (unknown)', async () => {
  const interruptedOut = temporaryDirectory('faultline-interrupt-');
  const child = spawn(process.execPath, [cli, 'test', '--time-limit', '3600', '--seed', '9', '--out', interruptedOut], { stdio: 'pipe' });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await new Promise((resolve) => setTimeout(resolve, 1500));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 2, stdout);
  assert.match(stdout, /incomplete: interrupted at/);
  const results = JSON.parse(readFileSync(join(interruptedOut, 'latest', 'results.json'), 'utf8')) as { valid: unknown; incomplete?: string };
  assert.equal(results.valid, 'unknown');
  assert.match(results.incomplete ?? '', /interrupted/);
});
