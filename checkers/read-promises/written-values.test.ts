import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsFromSpans, inputFromEvents, validated, type OperationSpan } from '../checker.js';
import { writtenValuesChecker } from './index.js';

function check(spans: OperationSpan[]) {
  return validated(writtenValuesChecker).check(inputFromEvents(eventsFromSpans(spans)), {});
}

const write = (process: number, at: number, value: number, type: 'ok' | 'info' | 'fail' = 'ok'): OperationSpan => ({ process, f: 'write', key: 'k', callSeconds: at, returnSeconds: at + 1, value, type });
const read = (process: number, at: number, output: unknown): OperationSpan => ({ process, f: 'read', key: 'k', callSeconds: at, returnSeconds: at + 1, value: null, output });

describe('written values', () => {
  it('passes stale reads of written values, of writes that ended info, and of the initial null', () => {
    const result = check([read(3, 0, null), write(1, 1, 1), write(2, 3, 2, 'info'), read(3, 5, 2), read(4, 7, 1), read(4, 9, null)]);
    assert.equal(result.valid, true);
    assert.equal(result.stats.reads, 4);
  });

  it('flags a value no op wrote', () => {
    const result = check([write(1, 1, 1), read(3, 3, 7)]);
    assert.equal(result.valid, false);
    assert.equal(result.sentence, 'process 3 read 7 on key k at 4.00 s, a value never written: no op wrote it');
  });

  it('flags a value only a failed write wrote, naming it', () => {
    const result = check([write(1, 1, 1), write(2, 3, 2, 'fail'), read(3, 5, 2)]);
    assert.equal(result.valid, false);
    assert.deepEqual(result.anomalies[0]!.failedWriters, [2]);
    assert.match(result.sentence!, /only ops that failed wrote it \(process 2\)/);
  });

  it('counts a cas as writing its new value, and keeps keys apart', () => {
    const casWrite: OperationSpan = { process: 1, f: 'cas', key: 'k', callSeconds: 2, returnSeconds: 3, value: [1, 5] };
    assert.equal(check([write(1, 0, 1), casWrite, read(3, 4, 5)]).valid, true);
    assert.equal(check([write(1, 0, 1), { ...read(3, 4, 1), key: 'other' }]).valid, false);
  });

  it('is unknown without reads', () => {
    assert.equal(check([write(1, 0, 1)]).valid, 'unknown');
  });
});
