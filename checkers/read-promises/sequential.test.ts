import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsFromSpans, inputFromEvents, validated, type OperationSpan } from '../checker.js';
import { runNamedChecker } from '../registry.js';
import { describeBackInTime, sequentialReadsChecker } from './index.js';

const KEY = 'k';

function write(process: number, callSeconds: number, returnSeconds: number | undefined, value: number, type: 'ok' | 'info' | 'fail' = 'ok'): OperationSpan {
  return { process, f: 'write', key: KEY, callSeconds, ...(returnSeconds === undefined ? {} : { returnSeconds }), value, type };
}

function cas(process: number, callSeconds: number, returnSeconds: number | undefined, from: number, to: number, type: 'ok' | 'info' | 'fail' = 'ok'): OperationSpan {
  return { process, f: 'cas', key: KEY, callSeconds, ...(returnSeconds === undefined ? {} : { returnSeconds }), value: [from, to], type };
}

function read(process: number, callSeconds: number, returnSeconds: number, output: number | null): OperationSpan {
  return { process, f: 'read', key: KEY, callSeconds, returnSeconds, value: null, output };
}

function check(spans: OperationSpan[]) {
  return validated(sequentialReadsChecker).check(inputFromEvents(eventsFromSpans(spans)), {});
}

function linearizability(spans: OperationSpan[]) {
  return runNamedChecker('linearizability:cas-register', inputFromEvents(eventsFromSpans(spans))).valid;
}

describe('sequential reads', () => {
  it('allows a stale read that linearizability does not', () => {
    const spans = [write(1, 0, 1, 1), write(2, 2, 3, 2), read(3, 4, 5, 1)];
    assert.equal(linearizability(spans), false);
    const result = check(spans);
    assert.equal(result.valid, true);
    assert.equal(result.stats.reads, 1);
  });

  it('flags a read that goes back in time after a newer read, with the order explained', () => {
    const result = check([write(1, 0, 1, 1), write(2, 2, 3, 2), read(3, 4, 5, 2), read(3, 6, 7, 1)]);
    assert.equal(result.valid, false);
    const anomaly = result.anomalies[0]!;
    assert.equal(anomaly.kind, 'back-in-time');
    assert.equal(anomaly.process, 3);
    assert.deepEqual([anomaly.read.value, anomaly.seen.value], ['1', '2']);
    assert.deepEqual(anomaly.steps.map((step) => step.by), ['real-time']);
    assert.equal(result.sentence, describeBackInTime(anomaly));
    assert.match(result.sentence!, /process 3 saw the state go back in time on key k: it read 1 at 7\.00 s, after it had read 2 at 5\.00 s/);
    assert.match(result.sentence!, /1 was written by 1\.00 s \(its write had completed\) and the write of 2 began at 2\.00 s/);
  });

  it('flags a client that does not see its own completed write, the initial value included', () => {
    const own = check([write(1, 0, 1, 1), write(2, 2, 3, 2), read(2, 4, 5, 1)]);
    assert.equal(own.valid, false);
    assert.equal(own.anomalies[0]!.kind, 'own-write-unseen');
    const initial = check([write(1, 0, 1, 1), read(1, 2, 3, null)]);
    assert.equal(initial.valid, false);
    assert.match(initial.sentence!, /null is the initial value, older than any write/);
  });

  it('does not flag values whose writes overlapped: their order is not certain', () => {
    const result = check([write(1, 0, 10, 1), write(2, 1, 9, 2), read(3, 11, 12, 2), read(3, 13, 14, 1)]);
    assert.equal(result.valid, true);
  });

  it('orders overlapping writes by a cas that found one and replaced it', () => {
    const spans = [write(1, 0, 10, 1), cas(2, 1, 9, 1, 2), read(3, 11, 12, 2), read(3, 13, 14, 1)];
    const result = check(spans);
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies[0]!.steps.map((step) => step.by), ['cas']);
    assert.match(result.sentence!, /a cas by process 2 found 1 and replaced it with 2/);
  });

  it('orders by an info cas only once its value was seen', () => {
    const seen = check([write(1, 0, 10, 1), cas(2, 1, undefined, 1, 2, 'info'), read(3, 11, 12, 2), read(3, 13, 14, 1)]);
    assert.equal(seen.valid, false);
    const unseen = check([write(1, 0, 10, 1), cas(2, 1, undefined, 1, 2, 'info'), write(4, 0.5, 9, 3), read(3, 11, 12, 3), read(3, 13, 14, 1)]);
    assert.equal(unseen.valid, true);
  });

  it('follows chains of facts: real time, then a cas', () => {
    // The cas that writes 3 began before 1 was written, so only the chain 1 < 2 (real time) < 3 (the cas found 2) orders them.
    const spans = [write(1, 0, 5, 1), cas(4, 1, 12, 2, 3), write(2, 6, 11, 2), read(3, 13, 14, 3), read(3, 15, 16, 1)];
    const result = check(spans);
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies[0]!.steps.map((step) => [step.by, step.older, step.newer]), [['real-time', '1', '2'], ['cas', '2', '3']]);
    assert.match(result.sentence!, /; then a cas by process 4 found 2 and replaced it with 3$/);
  });

  it('judges a process alone: a fresh process after info may see older state', () => {
    const result = check([write(1, 0, 1, 1), write(2, 2, 3, 2), read(3, 4, 5, 2), write(3, 6, undefined, 9, 'info'), read(13, 8, 9, 1)]);
    assert.equal(result.valid, true);
  });

  it('places nothing on values written twice or only by failed writes', () => {
    const twice = check([write(1, 0, 1, 1), write(2, 2, 3, 2), write(4, 3.5, 3.8, 1), read(3, 4, 5, 2), read(3, 6, 7, 1)]);
    assert.equal(twice.valid, true);
    const failed = check([write(1, 0, 1, 1), write(2, 2, 3, 2, 'fail'), read(3, 4, 5, 2), read(3, 6, 7, 1)]);
    assert.equal(failed.valid, true);
  });

  it('is unknown on a key whose writes contradict each other, and with no reads', () => {
    // The read of 3 settles it before 2 began, yet a cas found 2 and wrote 3.
    const contradiction = check([read(5, 0.8, 1, 3), write(1, 2, 3, 2), cas(4, 0.5, 5, 2, 3), read(6, 6, 7, 3)]);
    assert.equal(contradiction.valid, 'unknown');
    assert.match(contradiction.reason!, /not in one order/);
    const none = check([write(1, 0, 1, 1)]);
    assert.equal(none.valid, 'unknown');
  });

  it('keeps keys apart', () => {
    const spans = [write(1, 0, 1, 1), write(2, 2, 3, 2), read(3, 4, 5, 2), { ...read(3, 6, 7, 1), key: 'other' }];
    assert.equal(check(spans).valid, true);
  });
});
