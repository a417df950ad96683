/** The built `faultline check` command, run as a user would. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, 'main.js');
const histories = join(here, '..', '..', '..', '..', 'shared', 'histories');

function faultline(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

test('a linearizable history exits 0 and says so', () => {
  const run = faultline('check', join(histories, 'etcd', 'etcd_002.jsonl'));
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^valid: .*etcd_002\.jsonl: linearizable \(cas-register, faultline semantics, 77 ops/);
});

test('a violation exits 1 with a sentence and the operation that cannot be placed', () => {
  const run = faultline('check', join(histories, 'etcd', 'etcd_000.jsonl'));
  assert.equal(run.code, 1, run.stderr);
  assert.match(run.stdout, /^VIOLATION: .*not linearizable/);
  assert.match(run.stdout, /read returned 2 at event 85, but every write of 2 was overwritten/);
  assert.match(run.stdout, /cannot linearize: process 11: read -> 2/);
  assert.match(run.stdout, /longest linearizable prefix: \d+ operations/);
});

test('--json prints one object per file with the documented fields', () => {
  const files = ['c01-ok.jsonl', 'c01-bad.jsonl'].map((file) => join(histories, 'kv', file));
  const run = faultline('check', ...files, '--model', 'kv', '--json');
  assert.equal(run.code, 1, run.stderr);
  const lines = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  assert.equal(lines.length, 2);
  for (const line of lines) {
    for (const field of ['file', 'valid', 'ops', 'checkMs']) assert.ok(field in line, `missing ${field}`);
  }
  assert.equal(lines[0]!.valid, true);
  assert.equal(lines[1]!.valid, false);
  const example = lines[1]!.counterexample as { sentence: string; operation: unknown; prefixLength: number };
  assert.match(example.sentence, /lacks append/);
  assert.ok(example.operation !== undefined && example.prefixLength >= 0);
});

test('a timeout gives unknown, exit 2, with the reason', () => {
  const run = faultline('check', join(histories, 'kv', 'c50-ok.jsonl'), '--model', 'kv', '--timeout', '0.000001');
  assert.equal(run.code, 2, run.stdout + run.stderr);
  assert.match(run.stdout, /^unknown: /);
  assert.match(run.stdout, /ran out of time.*raise --timeout/);
});

test('usage and input mistakes exit 3 with one clear message and no stack trace', () => {
  const directory = temporaryDirectory('faultline-cli-');
  const broken = join(directory, 'broken.jsonl');
  writeFileSync(broken, '{"index":0,"process":1,"type":"invoke","f":"read"}\n{"index":1,"process":1,"type":"bogus"\n');
  const cases: [string[], RegExp][] = [
    [['check'], /Not enough non-option arguments/],
    [['check', broken, '--model', 'nope'], /Invalid values/],
    [['check', join(directory, 'missing.jsonl')], /history file not found/],
    [['check', broken], /broken\.jsonl:2/],
    [['check', join(histories, 'kv', 'c01-ok.jsonl')], /has no operation "append".*\n.*--model/],
    [['check', broken, '--init', '{nope'], /not valid JSON/],
    [['frobnicate'], /Unknown argument|Did you mean/],
  ];
  for (const [args, pattern] of cases) {
    const run = faultline(...args);
    assert.equal(run.code, 3, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, pattern, args.join(' '));
    assert.doesNotMatch(run.stderr, /\n\s+at /, `${args.join(' ')} printed a stack trace`);
  }
});

test('every command answers --help', () => {
  for (const command of [[], ['check'], ['bugs']]) {
    const run = faultline(...command, '--help');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /faultline/);
  }
});

test('bugs lists the six bug modes, and --json gives one object per line', () => {
  const run = faultline('bugs', '--json');
  assert.equal(run.code, 0, run.stderr);
  const bugs = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as { name: string; workload: string; nemesis: string });
  assert.ok(bugs.length >= 6);
  for (const name of ['vote-ignores-log', 'ack-before-quorum', 'follower-local-read', 'stale-lease-read', 'unreplicated-sequence', 'minority-commit']) {
    assert.ok(bugs.some((bug) => bug.name === name), name);
  }
});
