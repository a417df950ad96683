/**
 * `faultline check` as a user runs it, on histories whose verdict is not
 * "valid": nothing to judge, a file cut short, a broken file, a number out of
 * range; and the first line of its output is the verdict in words.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';
import { resolveConfig } from '../run/config.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, 'main.js');
const histories = join(here, '..', '..', '..', '..', 'shared', 'histories');
const directory = temporaryDirectory('faultline-check-verdicts-');

function faultline(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const write = [
  '{"index":0,"process":0,"type":"invoke","f":"write","value":1}',
  '{"index":1,"process":0,"type":"ok","f":"write","value":1}',
];

test('an empty history is unknown, exit 2, saying there was nothing to judge', () => {
  for (const [name, text] of [
    ['empty.jsonl', ''],
    ['nemesis-only.jsonl', '{"index":0,"process":"nemesis","type":"info","f":"start-partition"}\n'],
    ['all-failed.jsonl', '{"index":0,"process":0,"type":"invoke","f":"write","value":1}\n{"index":1,"process":0,"type":"fail","f":"write","value":1}\n'],
  ] as const) {
    const path = join(directory, name);
    writeFileSync(path, text);
    const run = faultline('check', path);
    assert.equal(run.code, 2, `${name}: ${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^unknown: /, name);
    assert.match(run.stdout, /nothing to judge: .*look at/, name);
    assert.doesNotMatch(run.stdout, /^valid|linearizable \(/m, name);
  }
});

test('a run whose history has no client operations is unknown, exit 2, for every checker', () => {
  const run = join(directory, 'empty-run');
  mkdirSync(run, { recursive: true });
  writeFileSync(join(run, 'config.json'), JSON.stringify(resolveConfig('test', 1, { out: directory, workload: 'register' })));
  writeFileSync(join(run, 'history.jsonl'), '');
  const result = faultline('check', run);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stdout, /^unknown: /);
  assert.match(result.stdout, /linearizability:cas-register\s+unknown\s+nothing to judge/);
  assert.doesNotMatch(result.stdout, /^\s+\S+\s+valid\b/m);
  assert.match(result.stdout, /verdict: unknown/);
});

test('a history cut mid-line is judged up to its last complete event, with a warning naming file:line', () => {
  const path = join(directory, 'cut.jsonl');
  writeFileSync(path, `${write.join('\n')}\n{"index":2,"process":1,"type":"invoke","f":"rea`);
  const run = faultline('check', path);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stderr, new RegExp(`warning: ${path}:3: the last line is cut short.*judged up to line 2`));
  assert.match(run.stdout, /^valid: .*1 ops/);
  const json = faultline('check', path, '--json');
  assert.match((JSON.parse(json.stdout) as { warnings: string[] }).warnings[0]!, /cut\.jsonl:3/);
});

test('a run killed mid-write is checked up to the cut, and a pass is at best unknown', () => {
  const run = join(directory, 'killed-run');
  mkdirSync(run, { recursive: true });
  writeFileSync(join(run, 'config.json'), JSON.stringify(resolveConfig('test', 1, { out: directory, workload: 'register' })));
  writeFileSync(join(run, 'history.jsonl'), `${write.join('\n')}\n{"index":2,"ti`);
  writeFileSync(join(run, 'roles.jsonl'), '{"time":0,"node":"n1","role":"leader","epoch":1}\n{"time":1,"no');
  const result = faultline('check', run);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stdout, /incomplete: .*history\.jsonl:3: the last line is cut short/);
  assert.match(result.stdout, /roles\.jsonl:2: the last line is cut short/);
});

test('garbage in the middle of a history is an input error, exit 3, naming file:line', () => {
  const path = join(directory, 'garbage.jsonl');
  writeFileSync(path, `${write[0]}\nnot json at all\n${write[1]}\n`);
  const run = faultline('check', path);
  assert.equal(run.code, 3, run.stdout + run.stderr);
  assert.match(run.stderr, new RegExp(`${path}:2: malformed JSON`));
});

test('a time of 1e400 is out of range at file:line, not "cannot be null"', () => {
  const path = join(directory, 'huge-time.jsonl');
  writeFileSync(path, '{"index":0,"time":1e400,"process":0,"type":"invoke","f":"read"}\n');
  const run = faultline('check', path);
  assert.equal(run.code, 3, run.stdout + run.stderr);
  assert.match(run.stderr, new RegExp(`${path}:1: "time" is out of range`));
  assert.doesNotMatch(run.stderr, /null/);
});

test('the first line of a kv check is the verdict in words, then which keys were violated', () => {
  const bad = faultline('check', join(histories, 'kv', 'c01-bad.jsonl'), '--model', 'kv');
  assert.equal(bad.code, 1, bad.stderr);
  const [first, second] = bad.stdout.split('\n');
  assert.match(first!, /^VIOLATION: .*c01-bad\.jsonl: not linearizable \(kv, faultline semantics, 38 ops, 8 keys/);
  assert.equal(second, '  key with a violation: 7');
  assert.doesNotMatch(bad.stdout, /keys not shown valid|\(false\)/);
  const good = faultline('check', join(histories, 'kv', 'c01-ok.jsonl'), '--model', 'kv');
  assert.equal(good.code, 0, good.stderr);
  assert.match(good.stdout, /^valid: .*c01-ok\.jsonl: linearizable \(kv/);
});
