import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eventsFromSpans, inputFromEvents, validated, type OperationSpan, type RoleSample } from '../checker.js';
import { checkSplitBrain, splitBrainChecker, type LeadersBothWriting } from './index.js';

function samples(node: string, role: string, epoch: number, fromSeconds: number, toSeconds: number): RoleSample[] {
  const rows: RoleSample[] = [];
  for (let second = fromSeconds; second <= toSeconds; second += 1) rows.push({ time: second * 1e9, node, role, epoch });
  return rows;
}

function write(process: number, node: string | undefined, callSeconds: number, returnSeconds: number): OperationSpan {
  return { process, f: 'write', key: 'k', value: process, callSeconds, returnSeconds, ...(node === undefined ? {} : { fields: { node } }) };
}

function check(roles: RoleSample[], spans: OperationSpan[] = []) {
  return validated(splitBrainChecker).check(inputFromEvents(eventsFromSpans(spans), { roles }), {});
}

/** n1 leads epoch 1 from 0 to 6 s; n2 leads epoch 2 from 4 to 10 s: they overlap from 4 to 6 s. */
const handover = [...samples('n1', 'leader', 1, 0, 6), ...samples('n2', 'follower', 1, 0, 3), ...samples('n2', 'leader', 2, 4, 10)];

describe('split brain', () => {
  it('passes one leader at a time', () => {
    const roles = [...samples('n1', 'leader', 1, 0, 5), ...samples('n1', 'follower', 2, 6, 10), ...samples('n2', 'leader', 2, 6, 10)];
    const result = check(roles, [write(1, 'n1', 1, 2), write(2, 'n2', 7, 8)]);
    assert.equal(result.valid, true);
    assert.equal(result.stats.leaderships, 2);
    assert.equal(result.stats.overlappingLeaderships, 0);
  });

  it('notes overlapping leaders of different epochs without calling it a violation', () => {
    const result = check(handover, [write(1, 'n2', 4.5, 5), write(2, 'n1', 3, 4.2)]);
    assert.equal(result.valid, true);
    assert.equal(result.stats.overlappingLeaderships, 1);
    assert.deepEqual(result.overlaps, [
      {
        leaders: [
          { node: 'n1', epoch: 1, fromSeconds: 0, toSeconds: 6 },
          { node: 'n2', epoch: 2, fromSeconds: 4, toSeconds: 10 },
        ],
        fromSeconds: 4,
        toSeconds: 6,
        // n1's write began before the overlap, so it may have committed before n2 was elected.
        writeCounts: [0, 1],
      },
    ]);
  });

  it('fails when two leaders of one epoch are seen, even at different times', () => {
    const roles = [...samples('n1', 'leader', 3, 1, 2), ...samples('n3', 'LEADING', 3, 8, 8)];
    const result = check(roles);
    assert.equal(result.valid, false);
    assert.equal(result.stats.sameEpochLeaders, 1);
    assert.equal(result.sentence, 'nodes n1 and n3 were both leader in epoch 3 (n1 from 1.00 s to 2.00 s, n3 from 8.00 s to 8.00 s)');
  });

  it('fails when overlapping leaders both acknowledged writes, and names the writes', () => {
    const result = check(handover, [write(1, 'n1', 4.5, 5), write(2, 'n2', 5, 5.5), write(3, 'n2', 5.1, 5.8)]);
    assert.equal(result.valid, false);
    const anomaly = result.anomalies[0] as LeadersBothWriting;
    assert.equal(anomaly.kind, 'both-acknowledged-writes');
    assert.deepEqual(anomaly.writeCounts, [1, 2]);
    assert.deepEqual(
      anomaly.writes[1].map((served) => served.process),
      [2, 3],
    );
    assert.equal(
      result.sentence,
      'nodes n1 (epoch 1) and n2 (epoch 2) were both leader from 4.00 s to 6.00 s and both acknowledged writes then: ' +
        'n1 1 write, the first by process 1 at 5.00 s; n2 2 writes, the first by process 2 at 5.50 s',
    );
  });

  it('reports the overlap without writes when the history does not name serving nodes', () => {
    const result = check(handover, [write(1, undefined, 4.5, 5), write(2, undefined, 5, 5.5)]);
    assert.equal(result.valid, true);
    assert.equal(result.overlaps.length, 1);
    assert.equal(result.overlaps[0]!.writeCounts, undefined);
    assert.match(String(result.stats.writesAttributed), /^no/);
  });

  it('splits a leadership interrupted by another role', () => {
    const roles = [...samples('n1', 'leader', 1, 0, 2), ...samples('n1', 'candidate', 1, 3, 3), ...samples('n1', 'leader', 1, 4, 5)];
    const result = check(roles);
    assert.equal(result.stats.leaderships, 2);
    assert.equal(result.valid, true);
  });

  it('is unknown without role samples', () => {
    const result = checkSplitBrain(inputFromEvents([]));
    assert.equal(result.valid, 'unknown');
    assert.match(result.reason ?? '', /no role samples/);
  });
});
