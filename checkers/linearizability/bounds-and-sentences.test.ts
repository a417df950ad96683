/** Bounds give unknown with a reason; violations come with sentences a person can follow. */
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { pairEvents, readOperations, type HistoryEvent } from '../../common/history/index.js';
import { checkLinearizable } from './check.js';
import { createModel } from './models/index.js';

const histories = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'histories');

test('a memory cap below what the search needs gives unknown, naming the cap', async () => {
  const { operations } = await readOperations(join(histories, 'kv', 'c50-ok.jsonl'));
  const result = checkLinearizable(createModel('kv'), operations, { nowMs: () => 0, maxCacheBytes: 1000 });
  assert.equal(result.valid, 'unknown');
  assert.match(result.reason ?? '', /memory cap.*--max-memory/);
});

test('a deadline already passed gives unknown, naming the timeout', async () => {
  const { operations } = await readOperations(join(histories, 'kv', 'c50-ok.jsonl'));
  let now = 0;
  const result = checkLinearizable(createModel('kv'), operations, { nowMs: () => (now += 1000), timeoutMs: 1 });
  assert.equal(result.valid, 'unknown');
  assert.match(result.reason ?? '', /ran out of time.*--timeout/);
});

/** Builds a history from [process, type, f, value] rows, with times in seconds when given. */
function history(rows: [number, HistoryEvent['type'], string, unknown, number?][]): HistoryEvent[] {
  return rows.map(([process, type, f, value, seconds], index) => ({
    index,
    process,
    type,
    f,
    value,
    key: 'k3',
    ...(seconds === undefined ? {} : { time: seconds * 1e9 }),
  }));
}

function sentence(events: HistoryEvent[]): string {
  const result = checkLinearizable(createModel('cas-register'), pairEvents(events).operations, { nowMs: () => 0 });
  assert.equal(result.valid, false);
  return result.counterexample!.sentence;
}

test('a read of a value never written says so', () => {
  const events = history([
    [1, 'invoke', 'write', 5, 1.0],
    [1, 'ok', 'write', 5, 1.1],
    [2, 'invoke', 'read', null, 2.0],
    [2, 'ok', 'read', 9, 2.1],
  ]);
  assert.equal(sentence(events), 'read of k3 returned 9 at 2.10 s, but no operation ever wrote 9');
});

test('a stale read names the write that overwrote the value it returned', () => {
  const events = history([
    [1, 'invoke', 'write', 5, 1.0],
    [1, 'ok', 'write', 5, 1.1],
    [1, 'invoke', 'write', 7, 12.0],
    [1, 'ok', 'write', 7, 12.1],
    [2, 'invoke', 'read', null, 12.2],
    [2, 'ok', 'read', 5, 12.3],
  ]);
  assert.equal(
    sentence(events),
    'read of k3 returned 5 at 12.30 s, but every write of 5 was overwritten by the write k3 7 that completed at 12.10 s',
  );
});

test('a read that completed before any write of its value began says so', () => {
  const events = history([
    [2, 'invoke', 'read', null, 1.0],
    [2, 'ok', 'read', 4, 1.1],
    [1, 'invoke', 'write', 4, 2.0],
    [1, 'ok', 'write', 4, 2.1],
  ]);
  assert.match(sentence(events), /^read of k3 returned 4 at 1\.10 s, but no write of 4 began before it completed/);
});

test('info writes may take effect late: a read of an info write is valid, a read after a newer ok write is not', () => {
  const model = createModel('cas-register');
  const valid = history([
    [1, 'invoke', 'write', 5],
    [1, 'info', 'write', 5],
    [2, 'invoke', 'write', 7],
    [2, 'ok', 'write', 7],
    [3, 'invoke', 'read', null],
    [3, 'ok', 'read', 5],
  ]);
  assert.equal(checkLinearizable(model, pairEvents(valid).operations, { nowMs: () => 0 }).valid, true);
  const failed = valid.map((event) => (event.index === 1 ? { ...event, type: 'fail' as const } : event));
  assert.equal(checkLinearizable(model, pairEvents(failed).operations, { nowMs: () => 0 }).valid, false);
});
