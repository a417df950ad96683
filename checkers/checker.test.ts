// Tests of checkers/checker.ts: the shared Checker protocol.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertResultShape,
  combineVerdicts,
  eventsFromSpans,
  inputFromEvents,
  noopChecker,
  runChecker,
  validated,
  verdictWord,
  type Checker,
} from './checker.js';

const empty = inputFromEvents([]);

describe('the checker protocol', () => {
  it('combines verdicts: false beats unknown beats true', () => {
    assert.equal(combineVerdicts([]), true);
    assert.equal(combineVerdicts([{ valid: true }, { valid: true }]), true);
    assert.equal(combineVerdicts([{ valid: true }, { valid: 'unknown' }]), 'unknown');
    assert.equal(combineVerdicts([{ valid: 'unknown' }, { valid: false }, { valid: true }]), false);
  });

  it('names each verdict with the one word the CLI and every page use', () => {
    assert.deepEqual([true, false, 'unknown', undefined].map((verdict) => verdictWord(verdict as never)), ['valid', 'VIOLATION', 'unknown', 'unknown']);
  });

  it('turns a throwing checker into unknown with the reason', () => {
    const throwing: Checker<unknown> = {
      name: 'broken',
      check: () => {
        throw new Error('model missing');
      },
    };
    const result = runChecker(throwing, empty, {});
    assert.equal(result.valid, 'unknown');
    assert.equal(result.checker, 'broken');
    assert.equal(result.reason, 'the broken checker failed: model missing');
    assertResultShape('broken', result);
  });

  it('passes with the no-op checker', () => {
    assert.equal(validated(noopChecker).check(empty, {}).valid, true);
  });

  it('rejects results of the wrong shape, which then count as unknown', () => {
    const sloppy: Checker<unknown> = {
      name: 'sloppy',
      check: () => ({ checker: 'sloppy', valid: false, anomalies: [], stats: {} }),
    };
    const result = runChecker(validated(sloppy), empty, {});
    assert.equal(result.valid, 'unknown');
    assert.match(result.reason ?? '', /false without an anomaly/);
    const wrongVerdict = { checker: 'x', valid: 'yes', anomalies: [], stats: {} };
    assert.throws(() => assertResultShape('x', wrongVerdict), /not true, false or "unknown"/);
    const badStat = { checker: 'x', valid: true, anomalies: [], stats: { nested: {} } };
    assert.throws(() => assertResultShape('x', badStat), /stat nested is object/);
  });

  it('builds histories from spans in time order', () => {
    const events = eventsFromSpans([
      { process: 1, f: 'write', callSeconds: 1, returnSeconds: 3, value: 1 },
      { process: 2, f: 'read', callSeconds: 2, returnSeconds: 2.5, output: 1 },
    ]);
    assert.deepEqual(
      events.map((event) => [event.index, event.process, event.type, event.time]),
      [
        [0, 1, 'invoke', 1e9],
        [1, 2, 'invoke', 2e9],
        [2, 2, 'ok', 2.5e9],
        [3, 1, 'ok', 3e9],
      ],
    );
    assert.equal(events[2]!.value, 1);
    assert.equal('value' in events[1]!, false);
  });
});
