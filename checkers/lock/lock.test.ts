import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEvent } from '../../common/history/types.js';
import { eventsFromSpans, inputFromEvents, runChecker, validated, type OperationSpan } from '../checker.js';
import { runNamedChecker } from '../registry.js';
import { checkFencing, checkLock, fencingChecker, lockChecker } from './index.js';

function input(spans: OperationSpan[]) {
  return inputFromEvents(eventsFromSpans(spans));
}

describe('lock safety', () => {
  it('passes when the second holder acquires after the first released', () => {
    const result = checkLock(
      input([
        { process: 1, f: 'acquire', callSeconds: 0, returnSeconds: 1 },
        { process: 2, f: 'acquire', callSeconds: 1.5, returnSeconds: 3.5 },
        { process: 1, f: 'release', callSeconds: 2, returnSeconds: 3 },
        { process: 2, f: 'release', callSeconds: 4, returnSeconds: 5 },
      ]),
    );
    assert.equal(result.valid, true);
    assert.equal(result.stats.holds, 2);
    assert.equal(result.sentence, 'no two holds overlapped (2 holds, from an ok acquire to its release)');
  });

  it('reports the overlap of two holders, with processes and times', () => {
    const result = checkLock(
      input([
        { process: 1, f: 'acquire', callSeconds: 0, returnSeconds: 1 },
        { process: 2, f: 'acquire', callSeconds: 0.5, returnSeconds: 2.1 },
        { process: 1, f: 'release', callSeconds: 3.4, returnSeconds: 3.5 },
        { process: 2, f: 'release', callSeconds: 4, returnSeconds: 5 },
      ]),
    );
    assert.equal(result.valid, false);
    assert.equal(result.anomalies.length, 1);
    const [overlap] = result.anomalies;
    assert.deepEqual(overlap!.processes, [1, 2]);
    assert.equal(overlap!.from.seconds, 2.1);
    assert.equal(overlap!.to.seconds, 3.4);
    assert.equal(result.sentence, 'processes 1 and 2 both held the lock from 2.10 s to 3.40 s');
  });

  it('does not blame an acquire that ended info, but counts it', () => {
    const result = checkLock(
      input([
        { process: 1, f: 'acquire', callSeconds: 0, returnSeconds: 1 },
        { process: 2, f: 'acquire', callSeconds: 0.5, returnSeconds: 2, type: 'info' },
        { process: 1, f: 'release', callSeconds: 3, returnSeconds: 3.5 },
      ]),
    );
    assert.equal(result.valid, true);
    assert.equal(result.stats.uncertainAcquires, 1);
  });

  it('holds a lock never released until the end of the history', () => {
    const result = checkLock(
      input([
        { process: 1, f: 'acquire', callSeconds: 0, returnSeconds: 1 },
        { process: 2, f: 'acquire', callSeconds: 5, returnSeconds: 6 },
        { process: 2, f: 'release', callSeconds: 7, returnSeconds: 8 },
      ]),
    );
    assert.equal(result.valid, false);
    assert.equal(result.sentence, 'processes 1 and 2 both held the lock from 6.00 s to 7.00 s');
  });

  it('uses the critical-section records when the history has them', () => {
    // The acquires overlap (the lock service said yes to both), but the holders never overlapped in use.
    const spans: OperationSpan[] = [
      { process: 1, f: 'acquire', callSeconds: 0, returnSeconds: 1 },
      { process: 1, f: 'enter', callSeconds: 1.1, returnSeconds: 1.2 },
      { process: 2, f: 'acquire', callSeconds: 1.3, returnSeconds: 1.4 },
      { process: 1, f: 'exit', callSeconds: 2, returnSeconds: 2.1 },
      { process: 2, f: 'enter', callSeconds: 2.2, returnSeconds: 2.3 },
      { process: 1, f: 'release', callSeconds: 2.4, returnSeconds: 2.5 },
      { process: 2, f: 'exit', callSeconds: 3, returnSeconds: 3.1 },
    ];
    const sections = checkLock(input(spans));
    assert.equal(sections.valid, true);
    assert.equal(sections.stats.holdsFrom, 'critical-section');
    assert.match(sections.sentence!, /^no two critical sections overlapped \(2 holds, from enter to exit\); .*linearizability:mutex/);
    const acquires = checkLock(input(spans), { holdsFrom: 'acquire' });
    assert.equal(acquires.valid, false);
    assert.equal(acquires.sentence, 'processes 1 and 2 both held the lock from 1.40 s to 2.40 s');
    // The mutex model judges the grants: it disagrees, by design, and says why.
    const mutex = runNamedChecker('linearizability:mutex', input(spans));
    assert.equal(mutex.valid, false);
    assert.match(mutex.sentence!, /cannot be linearized.*\. The mutex model judges the lock service's grants.*lock safety judges only/);
  });

  it('the mutex model passes a holder that lets go, even unknowingly (release info), before the next grant completes', () => {
    const spans: OperationSpan[] = [
      { process: 1, f: 'acquire', callSeconds: 0, returnSeconds: 1 },
      { process: 2, f: 'acquire', callSeconds: 0.5, returnSeconds: 2.5 },
      { process: 1, f: 'release', callSeconds: 2, returnSeconds: 2.1, type: 'info' },
      { process: 2, f: 'release', callSeconds: 3, returnSeconds: 3.1 },
    ];
    const mutex = runNamedChecker('linearizability:mutex', input(spans));
    assert.equal(mutex.valid, true, mutex.sentence);
    // The same loss recorded only after the next holder was granted the lock: two holders.
    const late = spans.map((span) => (span.process === 1 && span.f === 'release' ? { ...span, callSeconds: 2.6, returnSeconds: 2.7 } : span));
    assert.equal(runNamedChecker('linearizability:mutex', input(late)).valid, false);
  });

  it('fails when two critical sections overlap', () => {
    const result = checkLock(
      input([
        { process: 1, f: 'enter', callSeconds: 1, returnSeconds: 1.1 },
        { process: 2, f: 'enter', callSeconds: 1.5, returnSeconds: 1.6 },
        { process: 1, f: 'exit', callSeconds: 2, returnSeconds: 2.1 },
        { process: 2, f: 'exit', callSeconds: 3, returnSeconds: 3.1 },
      ]),
    );
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies[0]!.from, { index: 3, seconds: 1.6 });
    assert.deepEqual(result.anomalies[0]!.to, { index: 4, seconds: 2 });
  });

  it('checks each key as its own lock', () => {
    const result = checkLock(
      input([
        { process: 1, f: 'acquire', key: 'a', callSeconds: 0, returnSeconds: 1 },
        { process: 2, f: 'acquire', key: 'b', callSeconds: 0, returnSeconds: 1 },
        { process: 1, f: 'release', key: 'a', callSeconds: 2, returnSeconds: 3 },
        { process: 3, f: 'acquire', key: 'b', callSeconds: 2, returnSeconds: 2.5 },
      ]),
    );
    assert.equal(result.valid, false);
    assert.equal(result.anomalies.length, 1);
    assert.equal(result.anomalies[0]!.key, 'b');
    assert.equal(result.sentence, 'processes 2 and 3 both held the lock b from 2.50 s to the end of the history');
  });

  it('speaks of event indexes when the history has no times', () => {
    const events: HistoryEvent[] = [
      { index: 0, process: 1, type: 'invoke', f: 'acquire' },
      { index: 1, process: 1, type: 'ok', f: 'acquire' },
      { index: 2, process: 2, type: 'invoke', f: 'acquire' },
      { index: 3, process: 2, type: 'ok', f: 'acquire' },
      { index: 4, process: 1, type: 'invoke', f: 'release' },
      { index: 5, process: 1, type: 'ok', f: 'release' },
    ];
    const result = checkLock(inputFromEvents(events));
    assert.equal(result.sentence, 'processes 1 and 2 both held the lock from event 3 to event 4');
  });

  it('caps the anomalies but counts them all', () => {
    const spans: OperationSpan[] = [];
    for (let process = 0; process < 5; process++) {
      spans.push({ process, f: 'acquire', callSeconds: process, returnSeconds: process + 0.5 });
    }
    const result = validated(lockChecker).check(input(spans), { maxAnomalies: 3 });
    assert.equal(result.anomalies.length, 3);
    assert.equal(result.stats.overlaps, 10);
  });
});

describe('fencing tokens', () => {
  it('passes when tokens only grow, and concurrent writes are not ordered', () => {
    const result = checkFencing(
      input([
        { process: 1, f: 'write-resource', callSeconds: 0, returnSeconds: 1, value: { token: 3 } },
        { process: 2, f: 'write-resource', callSeconds: 2, returnSeconds: 4, value: { token: 9 } },
        { process: 3, f: 'write-resource', callSeconds: 3, returnSeconds: 5, value: { token: 5 } },
        { process: 4, f: 'write-resource', callSeconds: 6, returnSeconds: 7, value: { token: 4 }, type: 'fail' },
      ]),
    );
    assert.equal(result.valid, true);
    assert.equal(result.stats.acceptedWrites, 3);
  });

  it('fails when a stale token is accepted after a larger one', () => {
    const result = checkFencing(
      input([
        { process: 7, f: 'write-resource', callSeconds: 10, returnSeconds: 12.1, value: { token: 9 } },
        { process: 3, f: 'write-resource', callSeconds: 12.4, returnSeconds: 12.5, value: { token: 5 } },
      ]),
    );
    assert.equal(result.valid, false);
    assert.equal(result.anomalies[0]!.accepted.token, 5);
    assert.equal(result.anomalies[0]!.after.token, 9);
    assert.equal(
      result.sentence,
      'the resource accepted token 5 from process 3 (invoked at 12.40 s) after it had accepted the larger token 9 ' +
        'from process 7 (completed at 12.10 s)',
    );
  });

  it('compares tokens beyond 2^53 exactly', () => {
    const result = checkFencing(
      input([
        { process: 1, f: 'write-resource', callSeconds: 0, returnSeconds: 1, value: { token: '9007199254740993' } },
        { process: 2, f: 'write-resource', callSeconds: 2, returnSeconds: 3, value: { token: '9007199254740992' } },
      ]),
    );
    assert.equal(result.valid, false);
  });

  it('is unknown, with the reason, when a write has no token', () => {
    const result = runChecker(
      fencingChecker,
      input([{ process: 1, f: 'write-resource', callSeconds: 0, returnSeconds: 1, value: 5 }]),
      {},
    );
    assert.equal(result.valid, 'unknown');
    assert.match(result.reason ?? '', /carries no token/);
  });
});
