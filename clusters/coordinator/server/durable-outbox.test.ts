/** The outbox lets nothing sent after a sync out before a flush covered it, keeps order, and shares one flush among the syncs of a turn. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Message } from '../world.js';
import { DurableOutbox } from './durable-outbox.js';

function storageWithManualFlush(): { flushes: number; flushNeeded: boolean; finish(): void; flushInBackground(done: () => void): void } {
  let pending: (() => void) | null = null;
  return {
    flushes: 0,
    flushNeeded: true,
    flushInBackground(done) {
      this.flushes += 1;
      pending = done;
    },
    finish() {
      const done = pending;
      pending = null;
      done?.();
    },
  };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('messages after a sync wait for the flush, in order; messages before go at once', async () => {
  const storage = storageWithManualFlush();
  const delivered: string[] = [];
  const outbox = new DurableOutbox(storage, (to, message: Message) => delivered.push(`${to}:${message.type}`));
  outbox.send('n2', { type: 'before' });
  assert.deepEqual(delivered, ['n2:before']);
  outbox.synced();
  outbox.send('n2', { type: 'ack-1' });
  outbox.synced();
  outbox.send('n3', { type: 'ack-2' });
  await turn();
  assert.equal(storage.flushes, 1, 'two syncs of one turn share one flush');
  assert.deepEqual(delivered, ['n2:before']);
  outbox.synced();
  outbox.send('n2', { type: 'ack-3' });
  storage.finish();
  assert.deepEqual(delivered, ['n2:before', 'n2:ack-1', 'n3:ack-2'], 'a flush releases only what it covered');
  await turn();
  assert.equal(storage.flushes, 2);
  storage.finish();
  assert.deepEqual(delivered.slice(3), ['n2:ack-3']);
  outbox.send('n2', { type: 'after' });
  assert.deepEqual(delivered.slice(4), ['n2:after'], 'with everything durable, messages go at once again');
});

test('a sync that sealed nothing holds nothing back', async () => {
  const storage = storageWithManualFlush();
  storage.flushNeeded = false;
  const delivered: string[] = [];
  const outbox = new DurableOutbox(storage, (to) => delivered.push(to));
  outbox.synced();
  outbox.send('n2', { type: 'heartbeat-reply' });
  await turn();
  assert.deepEqual(delivered, ['n2']);
  assert.equal(storage.flushes, 0);
});

test('a stopped outbox sends nothing', async () => {
  const storage = storageWithManualFlush();
  const delivered: string[] = [];
  const outbox = new DurableOutbox(storage, (to) => delivered.push(to));
  outbox.synced();
  outbox.send('n2', { type: 'x' });
  await turn();
  outbox.stop();
  storage.finish();
  outbox.send('n3', { type: 'y' });
  assert.deepEqual(delivered, []);
});

test('a sync during a flush starts its own at once; flushes finishing out of order release only what each covered', async () => {
  const pending: (() => void)[] = [];
  const storage = { flushNeeded: true, flushInBackground: (done: () => void) => void pending.push(done) };
  const delivered: string[] = [];
  const outbox = new DurableOutbox(storage, (to, message: Message) => delivered.push(`${to}:${message.type}`));
  outbox.synced();
  outbox.send('n2', { type: 'ack-1' });
  await turn();
  outbox.synced();
  outbox.send('n3', { type: 'ack-2' });
  await turn();
  assert.equal(pending.length, 2, 'the second flush does not wait for the first');
  // The second fdatasync covers everything written before it started, the first sync's batch included.
  pending[1]!();
  assert.deepEqual(delivered, ['n2:ack-1', 'n3:ack-2']);
  pending[0]!();
  assert.deepEqual(delivered, ['n2:ack-1', 'n3:ack-2'], 'a late flush releases nothing twice');
  outbox.synced();
  outbox.send('n2', { type: 'ack-3' });
  await turn();
  assert.equal(pending.length, 3);
  assert.deepEqual(delivered.length, 2, 'nothing after the last sync goes before its flush');
  pending[2]!();
  assert.deepEqual(delivered.slice(2), ['n2:ack-3']);
});
