/**
 * File storage: what a sync covered and was flushed survives a reopen, what
 * was not synced does not; a torn or corrupt tail is cut off; compaction
 * keeps the state and shrinks the file.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, test } from 'node:test';
import { FileStorage, STORAGE_FILE } from './file-storage.js';

const DIRECTORY = path.resolve('.test-output/coordinator-server/file-storage');
const LOG_FILE = path.join(DIRECTORY, STORAGE_FILE);

beforeEach(() => fs.rmSync(DIRECTORY, { recursive: true, force: true }));

test('synced and flushed changes survive a reopen; unsynced ones are lost', () => {
  const storage = new FileStorage(DIRECTORY);
  storage.set('log/1', { term: 1, command: 'a' });
  storage.set('log/2', { term: 1 });
  storage.set('hard', { term: 1, votedFor: 'n2' });
  storage.sync();
  storage.delete('log/2');
  storage.sync();
  storage.flush();
  storage.set('log/3', { term: 2 });
  assert.deepEqual(storage.keys('log/'), ['log/1', 'log/3'], 'writes are visible at once');
  // Abandon without close(): the process died here.
  const reopened = new FileStorage(DIRECTORY);
  assert.deepEqual(reopened.keys('log/'), ['log/1']);
  assert.deepEqual(reopened.get('hard'), { term: 1, votedFor: 'n2' });
  assert.equal(reopened.get('log/3'), undefined);
  reopened.close();
});

test('a sync not yet flushed is not on disk; flushNeeded says so; a background flush makes it so', async () => {
  const storage = new FileStorage(DIRECTORY);
  assert.equal(storage.flushNeeded, false);
  storage.set('k', 1);
  storage.sync();
  assert.equal(storage.flushNeeded, true);
  assert.equal(new FileStorage(DIRECTORY).get('k'), undefined);
  await new Promise<void>((resolve) => storage.flushInBackground(resolve));
  assert.equal(storage.flushNeeded, false);
  assert.equal(new FileStorage(DIRECTORY).get('k'), 1);
});

test('a torn last batch is cut off and later writes follow the last whole batch', () => {
  const storage = new FileStorage(DIRECTORY);
  storage.set('a', 1);
  storage.sync();
  storage.flush();
  const wholeBytes = fs.statSync(LOG_FILE).size;
  storage.set('b', 2);
  storage.set('c', 3);
  storage.sync();
  storage.flush();
  const fullBytes = fs.statSync(LOG_FILE).size;
  for (const cut of [wholeBytes + 1, wholeBytes + 7, wholeBytes + 9, fullBytes - 1]) {
    fs.truncateSync(LOG_FILE, cut);
    const reopened = new FileStorage(DIRECTORY);
    assert.equal(reopened.get('a'), 1, `cut at ${cut}`);
    assert.equal(reopened.get('b'), undefined, `cut at ${cut}: the batch is all or nothing`);
    assert.equal(fs.statSync(LOG_FILE).size, wholeBytes, 'the torn tail is removed');
    reopened.set('d', 4);
    reopened.sync();
    reopened.close();
    assert.equal(new FileStorage(DIRECTORY).get('d'), 4);
    // Restore the two batches for the next cut.
    fs.rmSync(DIRECTORY, { recursive: true });
    const again = new FileStorage(DIRECTORY);
    again.set('a', 1);
    again.sync();
    again.flush();
    again.set('b', 2);
    again.set('c', 3);
    again.sync();
    again.close();
  }
});

test('a corrupt tail (bad checksum) is cut off too', () => {
  const storage = new FileStorage(DIRECTORY);
  storage.set('a', 1);
  storage.sync();
  storage.flush();
  storage.set('b', 'x'.repeat(100));
  storage.sync();
  storage.close();
  const data = fs.readFileSync(LOG_FILE);
  data[data.length - 10] ^= 0xff;
  fs.writeFileSync(LOG_FILE, data);
  const reopened = new FileStorage(DIRECTORY);
  assert.equal(reopened.get('a'), 1);
  assert.equal(reopened.get('b'), undefined);
});

test('compaction rewrites the log to the live state and keeps working', () => {
  const storage = new FileStorage(DIRECTORY, { compactAfterBytes: 4096 });
  let peakBytes = 0;
  for (let index = 0; index < 500; index++) {
    storage.set(`log/${String(index).padStart(6, '0')}`, { index, payload: 'p'.repeat(50) });
    if (index >= 10) storage.delete(`log/${String(index - 10).padStart(6, '0')}`);
    storage.sync();
    storage.flush();
    peakBytes = Math.max(peakBytes, storage.logBytes);
  }
  assert.ok(peakBytes < 3 * 4096 + 2000, `the log stayed bounded (peak ${peakBytes} bytes)`);
  assert.equal(fs.existsSync(`${LOG_FILE}.compact`), false);
  storage.set('after', true);
  storage.sync();
  storage.close();
  const reopened = new FileStorage(DIRECTORY);
  assert.equal(reopened.keys('log/').length, 10);
  assert.deepEqual(reopened.get('log/000499'), { index: 499, payload: 'p'.repeat(50) });
  assert.equal(reopened.get('log/000489'), undefined);
  assert.equal(reopened.get('after'), true);
});

test('overlapping background flushes all land, and compaction waits until none is in flight', async () => {
  const storage = new FileStorage(DIRECTORY, { compactAfterBytes: 4096 });
  const flushes: Promise<void>[] = [];
  for (let index = 0; index < 300; index++) {
    storage.set(`log/${String(index).padStart(6, '0')}`, { index, payload: 'p'.repeat(50) });
    if (index >= 10) storage.delete(`log/${String(index - 10).padStart(6, '0')}`);
    storage.sync();
    // Up to three fdatasyncs in flight at once, as the durable outbox starts them.
    flushes.push(new Promise((resolve) => storage.flushInBackground(resolve)));
    if (flushes.length === 3) await Promise.all(flushes.splice(0));
  }
  await Promise.all(flushes);
  assert.ok(storage.logBytes < 3 * 4096 + 2000, `compaction still happened between bursts (log ${storage.logBytes} bytes)`);
  storage.close();
  const reopened = new FileStorage(DIRECTORY);
  assert.equal(reopened.keys('log/').length, 10);
  assert.deepEqual(reopened.get('log/000299'), { index: 299, payload: 'p'.repeat(50) });
});
