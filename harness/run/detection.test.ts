import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CheckerResult } from '../../checkers/checker.js';
import { InvariantViolation } from '../../common/invariant-violation.js';
import type { RunResults } from './check-run.js';
import { comparedKinds, firstViolationSeconds, violatedCheckers, violationKinds } from './detection.js';

function failed(checker: string, anomalies: unknown[], extra: Partial<CheckerResult> = {}): CheckerResult {
  return { checker, valid: false, anomalies, stats: {}, sentence: `${checker} failed`, ...extra };
}

function results(checkers: Record<string, CheckerResult>): RunResults {
  return { valid: false, checkers, ops: 10 };
}

test('a violation kind is its checker and its anomaly shape, without keys, values or nodes', () => {
  const stale = { shape: 'read returned an overwritten value', sentence: 'read of k1 returned 3 at 1.2 s, ...' };
  const invented = { shape: 'read returned a value no operation wrote', sentence: 'read of k2 returned 9 at 2.0 s, ...' };
  const broken = new InvariantViolation('committed-entries-agree', 'n2', 'at position 7 it committed ...').message;
  const kinds = violationKinds(results({
    'linearizability:cas-register': failed('linearizability:cas-register', [stale, { ...stale, sentence: 'read of k3 ...' }, invented]),
    'consensus-invariants': failed('consensus-invariants', [broken]),
  }));
  assert.deepEqual(kinds, [
    'consensus-invariants: invariant committed-entries-agree broken',
    'linearizability:cas-register: read returned a value no operation wrote',
    'linearizability:cas-register: read returned an overwritten value',
  ]);
});

test('the same checker with another shape of anomaly is another kind, so shrink does not keep it', () => {
  const original = violationKinds(results({ lock: failed('lock', [{ kind: 'overlap', key: 'a', processes: [1, 2], from: { index: 3, seconds: 1 }, to: { index: 5, seconds: 2 } }]) }));
  const other = violationKinds(results({ lock: failed('lock', [{ kind: 'released-unheld', key: 'a', processes: [1, 2], from: { index: 3, seconds: 1 }, to: { index: 5, seconds: 2 } }]) }));
  assert.equal(violatedCheckers(results({ lock: failed('lock', []) }))[0], 'lock');
  assert.notDeepEqual(original, other);
  assert.ok(!other.some((kind) => original.includes(kind)));
});

test('a violation expected under the read mode is not a kind of the run', () => {
  const expected = failed('linearizability:cas-register', [{ shape: 'read returned an overwritten value' }], { expectedUnder: { name: 'sequential', promises: [] } as never });
  assert.deepEqual(violationKinds(results({ 'linearizability:cas-register': expected })), []);
});

test('shrink compares a stale value a read returned and one a cas expected as one kind, and keeps other shapes apart', () => {
  const model = 'linearizability:cas-register';
  const kindsOf = (shape: string): string[] => comparedKinds(results({ [model]: failed(model, [{ shape, sentence: '...' }]) }));
  const byCas = kindsOf('cas expected an overwritten value');
  assert.deepEqual(kindsOf('read returned an overwritten value'), byCas);
  assert.notDeepEqual(kindsOf('read returned a value no operation wrote'), byCas);
  assert.notDeepEqual(kindsOf('cas expected a value written only later'), byCas);
  assert.deepEqual(kindsOf('cas-register write that no order allows'), [`${model}: cas-register write that no order allows`]);
  // Other checkers' shapes are compared as they are.
  const lock = failed('lock', [{ kind: 'overlap', key: 'a', processes: [1, 2], from: { index: 3, seconds: 1 }, to: { index: 5, seconds: 2 } }]);
  assert.deepEqual(comparedKinds(results({ lock })), violationKinds(results({ lock })));
});

test('the first violation is the earliest any anomaly shows, not the one a checker lists first (by key)', () => {
  const overlap = (key: string, fromSeconds: number, toSeconds: number) => ({ kind: 'overlap', key, processes: [1, 2], from: { index: 3, seconds: fromSeconds }, to: { index: 5, seconds: toSeconds } });
  const operation = (returnSeconds: number) => ({ shape: 'mutex acquire that no order allows', operation: { callSeconds: returnSeconds - 1, returnSeconds } });
  const run = { durationMs: 30_000 };
  const checkers = {
    lock: failed('lock', [overlap('0', 22.2, 23.1), overlap('1', 6.6, 7.6)]),
    'linearizability:mutex': failed('linearizability:mutex', [operation(21.1), operation(9.5)]),
  };
  assert.equal(firstViolationSeconds(results(checkers), run), 7.6);
  assert.equal(firstViolationSeconds(results({ 'linearizability:mutex': checkers['linearizability:mutex'] }), run), 9.5);
  assert.equal(firstViolationSeconds(results({ lock: failed('lock', ['no times here']) }), run), 30, 'an anomaly with no time counts as the run\'s end');
  assert.equal(firstViolationSeconds(results(checkers), { ...run, invariantViolation: 'committed-entries-agree' }), 30, 'the simulator stops at a broken invariant');
});
