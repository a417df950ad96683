/**
 * Jepsen histories are judged as Knossos judges them (knossos.model): a read
 * of nil was not observed and fits any state, a mutex has no owner, a :fail
 * op did not happen, an :info op may have happened at any later time. Each
 * history below is in Jepsen's EDN shape, with the verdict Knossos gives it
 * and why. JSONL keeps faultline's meaning, and --semantics picks either.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, 'main.js');
const directory = temporaryDirectory('faultline-knossos-');
const EXIT = { valid: 0, violation: 1 } as const;

function faultline(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** One Jepsen op per row: [process, type, f, value, extra EDN]. */
type Row = [number | string, string, string, string, string?];

function edn(rows: Row[]): string {
  const ops = rows.map(([process, type, f, value, extra], index) => {
    const who = typeof process === 'number' ? String(process) : `:${process}`;
    return `{:type :${type}, :f :${f}, :value ${value}, :process ${who}, :time ${(index + 1) * 1_000_000}, :index ${index}${extra ?? ''}}`;
  });
  return `[${ops.join('\n ')}]\n`;
}

function expect(name: string, rows: Row[], model: string, verdict: keyof typeof EXIT, ...args: string[]): void {
  const path = join(directory, `${name}.edn`);
  writeFileSync(path, edn(rows));
  const run = faultline('check', path, '--model', model, ...args);
  assert.equal(run.code, EXIT[verdict], `${name} ${args.join(' ')}: ${run.stdout}${run.stderr}`);
}

// write 1, then a read that returned nil. Knossos: nil is "we don't know what the read was": valid.
// faultline's meaning (the register is absent) makes it a violation: nothing wrote nil.
const nilRead: Row[] = [
  [0, 'invoke', 'write', '1'],
  [0, 'ok', 'write', '1'],
  [1, 'invoke', 'read', 'nil'],
  [1, 'ok', 'read', 'nil'],
];

test('register and cas-register: a nil read fits any state, by default for EDN', () => {
  for (const model of ['register', 'cas-register']) {
    expect('nil-read', nilRead, model, 'valid');
    expect('nil-read', nilRead, model, 'violation', '--semantics', 'faultline');
  }
});

test('a read of a value is still judged: a stale read after a newer write completed is a violation', () => {
  // write 1, write 2 (completed), then read 1: no order allows it, in Knossos as here.
  const stale: Row[] = [
    [0, 'invoke', 'write', '1'],
    [0, 'ok', 'write', '1'],
    [0, 'invoke', 'write', '2'],
    [0, 'ok', 'write', '2'],
    [1, 'invoke', 'read', 'nil'],
    [1, 'ok', 'read', '1'],
  ];
  expect('stale', stale, 'cas-register', 'violation');
  expect('stale', stale, 'register', 'violation');
});

test('--init sets the initial value: a first read of 0 needs --init 0', () => {
  // (cas-register) starts at nil, so reading 0 before any write is invalid; (cas-register 0) allows it.
  const readZero: Row[] = [
    [0, 'invoke', 'read', 'nil'],
    [0, 'ok', 'read', '0'],
    [0, 'invoke', 'cas', '[0 1]'],
    [0, 'ok', 'cas', '[0 1]'],
    [1, 'invoke', 'read', 'nil'],
    [1, 'ok', 'read', 'nil'],
  ];
  expect('init', readZero, 'cas-register', 'violation');
  expect('init', readZero, 'cas-register', 'valid', '--init', '0');
  expect('init', readZero, 'cas-register', 'violation', '--init', '0', '--semantics', 'faultline');
});

test('a :fail cas did not happen; an :info cas may have happened', () => {
  // The failed cas [1 2] never took effect, so nothing wrote 2: reading 2 is invalid.
  const failedCas: Row[] = [
    [0, 'invoke', 'write', '1'],
    [0, 'ok', 'write', '1'],
    [1, 'invoke', 'cas', '[1 2]'],
    [1, 'fail', 'cas', '[1 2]'],
    [2, 'invoke', 'read', 'nil'],
    [2, 'ok', 'read', '2'],
  ];
  expect('fail-cas', failedCas, 'cas-register', 'violation');
  // The same cas timed out (:info): it may have taken effect, and the read of 2 says it did.
  const infoCas: Row[] = failedCas.map((row) => (row[1] === 'fail' ? [1, 'info', 'cas', '[1 2]', ', :error :timeout'] : row));
  expect('info-cas', infoCas, 'cas-register', 'valid');
  // But it takes effect once: a later read of 1, after the read of 2 completed, has no writer of 1 left.
  const twice: Row[] = [...infoCas, [3, 'invoke', 'read', 'nil'], [3, 'ok', 'read', '1']];
  expect('info-cas-then-1', twice, 'cas-register', 'violation');
});

test('an :info read observed nothing and is dropped, also with nemesis events around it', () => {
  const infoRead: Row[] = [
    ['nemesis', 'info', 'start', 'nil'],
    [0, 'invoke', 'write', '1'],
    [0, 'ok', 'write', '1'],
    [1, 'invoke', 'read', 'nil'],
    [1, 'info', 'read', 'nil', ', :error :timeout'],
    ['nemesis', 'info', 'stop', ':network-healed'],
    [6, 'invoke', 'read', 'nil'],
    [6, 'ok', 'read', '1'],
  ];
  expect('info-read', infoRead, 'cas-register', 'valid');
  expect('info-read', infoRead, 'cas-register', 'valid', '--semantics', 'faultline');
});

test('multi-register: nil read steps of a txn are unobserved; a read of a value never written is not', () => {
  const txn: Row[] = [
    [0, 'invoke', 'txn', '[[:write :x 1]]'],
    [0, 'ok', 'txn', '[[:write :x 1]]'],
    [1, 'invoke', 'txn', '[[:read :x nil] [:read :y nil]]'],
    [1, 'ok', 'txn', '[[:read :x nil] [:read :y nil]]'],
  ];
  expect('txn-nil', txn, 'multi-register', 'valid');
  // faultline's meaning: x read as absent after x := 1 completed.
  expect('txn-nil', txn, 'multi-register', 'violation', '--semantics', 'faultline');
  const wrong: Row[] = [...txn, [2, 'invoke', 'txn', '[[:read :x nil]]'], [2, 'ok', 'txn', '[[:read :x 2]]']];
  expect('txn-wrong', wrong, 'multi-register', 'violation');
});

test('mutex: Knossos\' lock has no owner, but two holders at once are a violation either way', () => {
  // Process 0's acquire timed out; Jepsen goes on as process 5, which releases. Knossos: valid.
  const handOver: Row[] = [
    [0, 'invoke', 'acquire', 'nil'],
    [0, 'info', 'acquire', 'nil', ', :error :timeout'],
    [5, 'invoke', 'release', 'nil'],
    [5, 'ok', 'release', 'nil'],
  ];
  expect('mutex-release', handOver, 'mutex', 'valid');
  expect('mutex-release', handOver, 'mutex', 'violation', '--semantics', 'faultline');
  const twoHolders: Row[] = [
    [0, 'invoke', 'acquire', 'nil'],
    [0, 'ok', 'acquire', 'nil'],
    [1, 'invoke', 'acquire', 'nil'],
    [1, 'ok', 'acquire', 'nil'],
  ];
  expect('mutex-two', twoHolders, 'mutex', 'violation');
  expect('mutex-two', twoHolders, 'mutex', 'violation', '--semantics', 'faultline');
});

test('Jepsen text logs read nil the same way; JSONL keeps faultline\'s meaning unless asked', () => {
  const log = join(directory, 'nil-read.log');
  writeFileSync(log, ['0\t:invoke\t:write\t1', '0\t:ok\t:write\t1', '1\t:invoke\t:read\tnil', '1\t:ok\t:read\tnil'].map((line) => `INFO  jepsen.util - ${line}`).join('\n') + '\n');
  assert.equal(faultline('check', log).code, EXIT.valid);
  assert.equal(faultline('check', log, '--semantics', 'faultline').code, EXIT.violation);
  const jsonl = join(directory, 'nil-read.jsonl');
  const events = [['invoke', 'write', 1], ['ok', 'write', 1], ['invoke', 'read', null], ['ok', 'read', null]];
  writeFileSync(jsonl, events.map(([type, f, value], index) => JSON.stringify({ index, process: index < 2 ? 0 : 1, type, f, value })).join('\n') + '\n');
  const byDefault = faultline('check', jsonl);
  assert.equal(byDefault.code, EXIT.violation, byDefault.stdout);
  assert.match(byDefault.stdout, /faultline semantics/);
  assert.equal(faultline('check', jsonl, '--semantics', 'knossos').code, EXIT.valid);
});

test('check --help says which meaning of a nil read applies by default', () => {
  const help = faultline('check', '--help');
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--semantics +nil read: knossos = fits any state \(default \.edn, \.log\); faultline = absent \(JSONL\)\s/);
});

test('the README\'s Jepsen example runs as written, and its file holds the verdict its comments defend', () => {
  const root = join(here, '..', '..', '..');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const line = /^npx faultline (check examples\/jepsen-cas-register\.edn[^\n]*)$/m.exec(readme);
  assert.ok(line !== null, 'the README names the example');
  const args = line[1]!.split(/\s+/);
  const run = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  const result = JSON.parse(run.stdout) as { valid: unknown; semantics: string; ops: number };
  assert.deepEqual([result.valid, result.semantics, result.ops], [true, 'knossos', 10]);
  // Its comments: without --init 0 the first read of 0 is impossible; under faultline's meaning the nil reads are.
  const example = join(root, 'examples', 'jepsen-cas-register.edn');
  assert.equal(faultline('check', example).code, EXIT.violation);
  assert.equal(faultline('check', example, '--init', '0', '--semantics', 'faultline').code, EXIT.violation);
});
