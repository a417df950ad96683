import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventsFromSpans, inputFromEvents } from '../checker.js';
import { runNamedChecker } from '../registry.js';
import { checkEphemerals, type FinalEphemerals } from './index.js';

const history = inputFromEvents(eventsFromSpans([{ process: 0, f: 'acquire', callSeconds: 1, returnSeconds: 2, type: 'ok', value: null }]));

const healthy: FinalEphemerals = {
  n1: { ephemerals: [{ path: '/locks/0/lock-0000000003', owner: 7 }], liveSessions: [7, 9] },
  n2: { ephemerals: [{ path: '/locks/0/lock-0000000003', owner: 7 }], liveSessions: [7, 9] },
};

test('every ephemeral owned by a live session is valid', () => {
  const result = checkEphemerals({ ...history, finalEphemerals: healthy });
  assert.equal(result.valid, true);
  assert.deepEqual(result.stats, { nodes: 2, ephemerals: 2, orphans: 0 });
});

test('an ephemeral whose session ended, on any replica, is a violation naming node, path and session', () => {
  const orphaned: FinalEphemerals = { ...healthy, n3: { ephemerals: [{ path: '/locks/0/lock-0000000001', owner: 4 }], liveSessions: [7, 9] } };
  const result = checkEphemerals({ ...history, finalEphemerals: orphaned });
  assert.equal(result.valid, false);
  assert.deepEqual(result.anomalies, [{ node: 'n3', path: '/locks/0/lock-0000000001', owner: 4 }]);
  assert.match(result.sentence ?? '', /^n3 still holds the ephemeral \/locks\/0\/lock-0000000001 of session 4 after recovery, though that session ended/);
  assert.equal(runNamedChecker('ephemerals', { ...history, finalEphemerals: orphaned }).valid, false);
});

test('no final ephemerals, or no client operations, is unknown, never valid', () => {
  assert.equal(checkEphemerals(history).valid, 'unknown');
  assert.equal(checkEphemerals({ ...history, finalEphemerals: {} }).valid, 'unknown');
  assert.equal(checkEphemerals({ operations: [], finalEphemerals: healthy }).valid, 'unknown');
});
