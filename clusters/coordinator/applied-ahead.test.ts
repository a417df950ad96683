import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AppliedAheadLog, MAX_APPLIED_AHEAD_ENTRIES } from './applied-ahead.js';
import type { LogEntry } from './engine.js';

function entry(position: number): LogEntry {
  return { position, epoch: 1, command: { kind: 'set', value: position } };
}

test('only entries applied past the commit position are kept, and a drain empties the log', () => {
  const log = new AppliedAheadLog();
  log.record(entry(4), 5);
  log.record(entry(5), 5);
  log.record(entry(6), 5);
  assert.deepEqual(log.drain().map((kept) => kept.position), [6]);
  assert.deepEqual(log.drain(), []);
});

test('undrained, as in a real process, it keeps only the newest entries', () => {
  const log = new AppliedAheadLog();
  for (let position = 1; position <= MAX_APPLIED_AHEAD_ENTRIES + 10; position++) log.record(entry(position), 0);
  const kept = log.drain();
  assert.equal(kept.length, MAX_APPLIED_AHEAD_ENTRIES);
  assert.equal(kept[0]?.position, 11);
});
