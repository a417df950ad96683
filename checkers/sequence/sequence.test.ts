import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsFromSpans, inputFromEvents, runChecker, validated, type OperationSpan } from '../checker.js';
import { checkSequence, sequenceChecker, type SequenceGap } from './index.js';

function next(process: number, callSeconds: number, returnSeconds: number, id: unknown, extra: Partial<OperationSpan> = {}): OperationSpan {
  return { process, f: 'next', callSeconds, returnSeconds, output: id, ...extra };
}

function check(spans: OperationSpan[], options = {}) {
  return validated(sequenceChecker).check(inputFromEvents(eventsFromSpans(spans)), options);
}

describe('sequence', () => {
  it('passes unique, gapless ids in real-time order, concurrent ones in any order', () => {
    const result = check([
      next(1, 0, 1, 'id-0000000001'),
      next(2, 2, 5, 'id-0000000003'),
      next(3, 2.5, 4, 'id-0000000002'),
      next(1, 6, 7, 'id-0000000004'),
    ]);
    assert.equal(result.valid, true);
    assert.equal(result.stats.issued, 4);
  });

  it('reports a duplicate id with the processes that got it', () => {
    const result = check([next(3, 0, 1, 5), next(7, 0.5, 1.5, 5), next(1, 2, 3, 6)]);
    assert.equal(result.valid, false);
    assert.equal(result.stats.duplicates, 1);
    const duplicate = result.anomalies[0]!;
    assert.equal(duplicate.kind, 'duplicate');
    assert.equal(result.sentence, 'processes 3 and 7 both got id 5 from sequence');
  });

  it('reports an id smaller than one handed out before it was asked for', () => {
    const result = check([next(1, 0, 1, 2), next(2, 2, 3, 1)]);
    assert.equal(result.valid, false);
    assert.deepEqual(
      result.anomalies.map((anomaly) => anomaly.kind),
      ['order'],
    );
    assert.equal(
      result.sentence,
      'process 2 asked sequence for an id at 2.00 s and got 1, smaller than the id 2 process 1 had already got at 1.00 s',
    );
  });

  it('reports a gap no unknown operation can explain', () => {
    const result = check([next(1, 0, 1, 1), next(1, 2, 3, 2), next(2, 4, 5, 4)]);
    assert.equal(result.valid, false);
    const gap = result.anomalies[0] as SequenceGap;
    assert.deepEqual(gap.missing, [[3, 3]]);
    assert.equal(gap.skippedAtLeast, 1);
    assert.equal(result.sentence, 'sequence skipped id 3: 2 and 4 were handed out, and no operation that ended unknown could have taken it');
  });

  it('lets an unknown operation invoked in time account for a missing id', () => {
    const result = check([
      next(1, 0, 1, 1),
      next(2, 1.5, 2, 2, { type: 'info' }),
      next(3, 3, 4, 3),
    ]);
    assert.equal(result.valid, true);
    assert.equal(result.stats.unknown, 1);
  });

  it('does not let an unknown operation invoked after a larger id was handed out explain the gap', () => {
    const result = check([next(1, 0, 1, 1), next(3, 2, 3, 3), next(2, 4, 5, undefined, { type: 'info' })]);
    assert.equal(result.valid, false);
    assert.equal((result.anomalies[0] as SequenceGap).unknownOperations, 0);
  });

  it('does not let a failed operation explain a gap', () => {
    const result = check([next(1, 0, 1, 1), next(2, 0.5, 2, undefined, { type: 'fail' }), next(3, 3, 4, 3)]);
    assert.equal(result.valid, false);
  });

  it('gives a lower bound when unknown operations explain some of the missing ids', () => {
    const result = check([
      next(1, 0, 1, 1),
      next(2, 0.5, 1.5, undefined, { type: 'info' }),
      next(3, 2, 3, 3),
      next(4, 4, 5, 5),
    ]);
    assert.equal(result.valid, false);
    assert.equal(result.anomalies.length, 1);
    const gap = result.anomalies[0] as SequenceGap;
    assert.deepEqual(gap.missing, [[2, 2], [4, 4]]);
    assert.deepEqual([gap.skippedAtLeast, gap.missingCount, gap.unknownOperations], [1, 2, 1]);
    assert.equal(
      result.sentence,
      'sequence skipped at least 1 of ids 2 and 4: only 1 operation that ended unknown was invoked before a larger id was handed out',
    );
  });

  it('reports certain gaps exactly and the rest as a bound', () => {
    const result = check([
      next(1, 0, 1, 1),
      next(2, 2, 3, 3),
      next(3, 3.5, 3.6, undefined, { type: 'info' }),
      next(4, 4, 5, 5),
      next(5, 6, 7, 7),
    ]);
    const gaps = result.anomalies as SequenceGap[];
    assert.deepEqual(
      gaps.map((gap) => [gap.missing, gap.skippedAtLeast, gap.unknownOperations]),
      [
        [[[2, 2]], 1, 0],
        [[[4, 4], [6, 6]], 1, 1],
      ],
    );
    assert.equal(result.stats.skippedAtLeast, 2);
  });

  it('judges ids below the first one only when told where the sequence starts', () => {
    const spans = [next(1, 0, 1, 2), next(1, 2, 3, 3)];
    assert.equal(check(spans).valid, true);
    const result = check(spans, { firstId: 0 });
    assert.equal(result.valid, false);
    assert.equal(result.sentence, 'sequence skipped ids 0 to 1: 2 was the first id handed out, and no operation that ended unknown could have taken them');
  });

  it('skips the gap check when asked', () => {
    assert.equal(check([next(1, 0, 1, 1), next(1, 2, 3, 10)], { checkGaps: false }).valid, true);
  });

  it('checks each key as its own sequence', () => {
    const result = check([
      next(1, 0, 1, 1, { key: 'a' }),
      next(2, 0, 1, 1, { key: 'b' }),
      next(1, 2, 3, 2, { key: 'a' }),
      next(2, 2, 3, 2, { key: 'b' }),
    ]);
    assert.equal(result.valid, true);
  });

  it('is unknown when an id cannot be read', () => {
    const result = runChecker(sequenceChecker, inputFromEvents(eventsFromSpans([next(1, 0, 1, 'lock-abc')])), {});
    assert.equal(result.valid, 'unknown');
    assert.match(result.reason ?? '', /returned "lock-abc", not an id \(event 1\)$/);
  });

  it('handles a large history quickly', () => {
    const spans: OperationSpan[] = [];
    for (let position = 0; position < 50_000; position++) spans.push(next(position % 10, position, position + 0.5, position));
    const result = checkSequence(inputFromEvents(eventsFromSpans(spans)));
    assert.equal(result.valid, true);
    assert.equal(result.stats.issued, 50_000);
  });
});
