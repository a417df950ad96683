/** A follower's pongs wait for the leader's acknowledgement of the touch that carried their pings. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Connection } from './pending.js';
import { LeaderConfirmedPongs, MAX_UNACKNOWLEDGED_TOUCHES } from './pongs.js';

function connection(name: string): Connection {
  return { key: name, closed: false } as unknown as Connection;
}

function relay(): { pongs: LeaderConfirmedPongs; answered: string[] } {
  const answered: string[] = [];
  return { pongs: new LeaderConfirmedPongs((to) => answered.push(to.key)), answered };
}

test('a ping is answered only when the leader acknowledges the touch that carried it', () => {
  const { pongs, answered } = relay();
  const first = connection('c1');
  pongs.ping(first);
  pongs.ping(first);
  assert.deepEqual(answered, []);
  const touchId = pongs.forwarded('n1');
  pongs.ping(connection('c2'));
  pongs.acknowledged('n2', touchId);
  assert.deepEqual(answered, [], 'only the leader the touch went to can acknowledge it');
  pongs.acknowledged('n1', touchId);
  assert.deepEqual(answered, ['c1'], 'one pong per connection, and none for a ping after the touch');
  pongs.acknowledged('n1', touchId);
  assert.deepEqual(answered, ['c1'], 'an acknowledgement counts once');
});

test('a later acknowledgement retires earlier touches; pings with no leader, or on closed connections, get no pong', () => {
  const { pongs, answered } = relay();
  pongs.ping(connection('c1'));
  const lost = pongs.forwarded('n1');
  pongs.ping(connection('c2'));
  const heard = pongs.forwarded('n1');
  pongs.acknowledged('n1', heard);
  pongs.acknowledged('n1', lost);
  assert.deepEqual(answered, ['c2']);
  pongs.ping(connection('c3'));
  pongs.dropWaiting();
  pongs.acknowledged('n1', pongs.forwarded('n1'));
  const closed = connection('c4');
  pongs.ping(closed);
  closed.closed = true;
  pongs.ping(connection('c5'));
  pongs.answerWaiting();
  assert.deepEqual(answered, ['c2', 'c5']);
});

test(`at most ${MAX_UNACKNOWLEDGED_TOUCHES} touches wait for an acknowledgement`, () => {
  const { pongs, answered } = relay();
  pongs.ping(connection('oldest'));
  const oldest = pongs.forwarded('n1');
  for (let touch = 0; touch < MAX_UNACKNOWLEDGED_TOUCHES; touch++) pongs.forwarded('n1');
  pongs.acknowledged('n1', oldest);
  assert.deepEqual(answered, []);
});
