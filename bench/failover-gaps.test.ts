import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RoleSample } from '../checkers/checker.js';
import type { HistoryEvent } from '../common/history/index.js';
import { leaderKillGaps } from './failover-gaps.js';

const MS = 1e6;

function history(entries: [number, HistoryEvent['process'], HistoryEvent['type'], string, unknown?][]): HistoryEvent[] {
  return entries.map(([timeMs, process, type, f, value], index) => ({ index, time: timeMs * MS, process, type, f, value }));
}

const roles: RoleSample[] = [
  { time: 0, node: 'n1', role: 'leader', epoch: 1 },
  { time: 0, node: 'n2', role: 'follower', epoch: 1 },
  { time: 3000 * MS, node: 'n2', role: 'leader', epoch: 2 },
  { time: 3000 * MS, node: 'n1', role: 'follower', epoch: 2 },
];

test('a kill of the leader measures up to the first ok write invoked after it', () => {
  const events = history([
    [990, 0, 'invoke', 'write'],
    [1000, 'nemesis', 'info', 'start-kill', { nodes: ['n1'] }],
    [1001, 0, 'ok', 'write'],
    [1002, 1, 'invoke', 'read'],
    [1003, 1, 'ok', 'read'],
    [1005, 2, 'invoke', 'write'],
    [1400, 2, 'ok', 'write'],
  ]);
  assert.deepEqual(leaderKillGaps(events, roles), [{ killTime: 1000 * MS, node: 'n1', gapMs: 400 }]);
});

test('kills of a follower, of several nodes, and kills with no write after them', () => {
  const events = history([
    [1000, 'nemesis', 'info', 'start-kill', { nodes: ['n2'] }],
    [1100, 'nemesis', 'info', 'start-kill', { nodes: ['n1', 'n2'] }],
    [3500, 'nemesis', 'info', 'start-kill', { nodes: ['n2'] }],
    [3600, 0, 'invoke', 'cas'],
    [3700, 0, 'fail', 'cas'],
  ]);
  assert.deepEqual(leaderKillGaps(events, roles), [{ killTime: 3500 * MS, node: 'n2', gapMs: null }]);
});
