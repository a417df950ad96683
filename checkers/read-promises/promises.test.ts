import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { combineVerdicts, type CheckerResult } from '../checker.js';
import { breaksPromise, describeExpected, describeJudgement, isExpectedViolation, markExpected, planForPromise } from './index.js';

const REGISTER = ['linearizability:cas-register', 'convergence', 'split-brain', 'perf'];

describe('judging by the read mode\'s promise', () => {
  it('keeps linearizability and adds the promised checkers after it, marked expected', () => {
    assert.deepEqual(planForPromise(REGISTER, 'linearizable'), { checkers: REGISTER, expected: [] });
    assert.deepEqual(planForPromise(REGISTER, 'sequential'), {
      checkers: ['linearizability:cas-register', 'written-values', 'sequential-reads', 'convergence', 'split-brain', 'perf'],
      expected: ['linearizability:cas-register'],
    });
    assert.deepEqual(planForPromise(REGISTER, 'serializable').checkers.slice(0, 2), ['linearizability:cas-register', 'written-values']);
  });

  it('leaves workloads without register reads alone', () => {
    const lock = ['linearizability:mutex', 'lock', 'perf'];
    assert.deepEqual(planForPromise(lock, 'serializable'), { checkers: lock, expected: [] });
  });

  it('does not count an expected violation, and still counts the promised checker', () => {
    const plan = planForPromise(REGISTER, 'sequential');
    const violated: CheckerResult = { checker: 'linearizability:cas-register', valid: false, anomalies: ['stale'], stats: {} };
    const results = markExpected({ 'linearizability:cas-register': violated, 'sequential-reads': { checker: 'sequential-reads', valid: true, anomalies: [], stats: {} } }, plan, 'sequential');
    const marked = results['linearizability:cas-register']!;
    assert.equal(marked.expectedUnder, 'sequential');
    assert.equal(marked.valid, false, 'the result is kept as checked');
    assert.ok(isExpectedViolation(marked) && !breaksPromise(marked));
    assert.equal(combineVerdicts(Object.values(results)), true);
    results['sequential-reads'] = { checker: 'sequential-reads', valid: false, anomalies: ['back'], stats: {} };
    assert.equal(combineVerdicts(Object.values(results)), false);
  });

  it('says what the mode promises and how the run was judged', () => {
    const mode = { name: 'local', promises: 'sequential' as const, summary: "ZooKeeper's plain reads are sequentially consistent" };
    assert.match(describeExpected('sequential', mode), /^stale reads: expected under read mode local \(it promises sequential: .*ZooKeeper's plain reads are sequentially consistent\)/);
    assert.match(describeJudgement(mode), /judged by written-values and sequential-reads; linearizability is checked and shown, not counted/);
  });
});
