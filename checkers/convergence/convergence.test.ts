import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsFromSpans, inputFromEvents, validated, type FinalStates, type OperationSpan } from '../checker.js';
import { checkConvergence, convergenceChecker } from './index.js';

function write(process: number, value: unknown, callSeconds: number, returnSeconds: number, type: OperationSpan['type'] = 'ok'): OperationSpan {
  return { process, f: 'write', key: 'k1', value, callSeconds, returnSeconds, type };
}

function check(spans: OperationSpan[], finalStates: FinalStates) {
  return validated(convergenceChecker).check(inputFromEvents(eventsFromSpans(spans), { finalStates }), {});
}

function everywhere(value: unknown): FinalStates {
  return { n1: { k1: value }, n2: { k1: value }, n3: { k1: value } };
}

const sequential = [write(1, 1, 0, 1), write(2, 2, 2, 3)];

describe('convergence', () => {
  it('passes when every replica holds the last acknowledged write', () => {
    const result = check(sequential, everywhere(2));
    assert.equal(result.valid, true);
    assert.equal(result.stats.keys, 1);
  });

  it('fails when replicas disagree, naming who holds what', () => {
    const result = check(sequential, { n1: { k1: 2 }, n2: { k1: 1 }, n3: { k1: 2 } });
    assert.equal(result.valid, false);
    assert.deepEqual(
      result.anomalies.map((anomaly) => anomaly.kind),
      ['divergent', 'lost-write'],
    );
    assert.equal(result.sentence, 'replicas disagree on key k1: nodes n1 and n3 hold 2, node n2 holds 1');
  });

  it('fails when every replica lost the last acknowledged write', () => {
    const result = check(sequential, everywhere(1));
    assert.equal(result.valid, false);
    assert.equal(
      result.sentence,
      'nodes n1, n2 and n3 hold 1 for key k1, but the acknowledged write of 2 by process 2, invoked at 2.00 s ' +
        'after every write of that value had completed, is missing',
    );
  });

  it('lets a write that ended info be the final value, but not a certainly overwritten one', () => {
    const spans = [write(1, 1, 0, 1), write(3, 3, 0.5, 4, 'info'), write(2, 2, 2, 3)];
    assert.equal(check(spans, everywhere(3)).valid, true);
    assert.equal(check(spans, everywhere(2)).valid, true);
    assert.equal(check(spans, everywhere(1)).valid, false);
  });

  it('lets either of two overlapping writes be final', () => {
    const spans = [write(1, 1, 0, 2), write(2, 2, 1, 3)];
    assert.equal(check(spans, everywhere(1)).valid, true);
    assert.equal(check(spans, everywhere(2)).valid, true);
  });

  it('fails on a value nobody wrote, or only a failed write wrote', () => {
    const spans = [...sequential, write(3, 5, 4, 5, 'fail')];
    const result = check(spans, everywhere(5));
    assert.equal(result.valid, false);
    assert.equal(result.anomalies[0]!.kind, 'unwritten-value');
    assert.equal(result.sentence, 'nodes n1, n2 and n3 hold 5 for key k1, a value no write that could have happened wrote');
  });

  it('allows an empty register only while no write was acknowledged', () => {
    assert.equal(check([write(1, 1, 0, 1, 'info')], { n1: {} }).valid, true);
    const result = check([write(1, 1, 0, 1)], { n1: {} });
    assert.equal(result.valid, false);
    assert.equal(result.sentence, 'node n1 holds nothing for key k1, but the acknowledged write of 1 by process 1, invoked at 0.00 s, is missing');
  });

  it('takes compare-and-set as a write of its new value', () => {
    const spans: OperationSpan[] = [write(1, 1, 0, 1), { process: 2, f: 'cas', key: 'k1', value: [1, 4], callSeconds: 2, returnSeconds: 3 }];
    assert.equal(check(spans, everywhere(4)).valid, true);
    assert.equal(check(spans, everywhere(1)).valid, false);
  });

  it('treats a missing key as an empty register, and compares objects by content', () => {
    const divergent = check([], { n1: { k2: 1 }, n2: {} });
    assert.equal(divergent.anomalies[0]!.kind, 'divergent');
    const objects = { process: 1, f: 'write', key: 'k1', value: { a: 1, b: 2 }, callSeconds: 0, returnSeconds: 1 };
    assert.equal(check([objects], { n1: { k1: { b: 2, a: 1 } }, n2: { k1: { a: 1, b: 2 } } }).valid, true);
  });

  it('is unknown without final states', () => {
    const result = checkConvergence(inputFromEvents([]));
    assert.equal(result.valid, 'unknown');
    assert.match(result.reason ?? '', /no final states/);
  });
});
