/**
 * A follower answers an append of an older term under its own term, so the
 * old leader steps down. Over TCP such an append can arrive long after it was
 * sent (retransmitted once a partition heals), when its sender leads again in
 * the follower's term with rounds numbered afresh: echoing the old round made
 * that leader count a round it never sent (an assertion on local processes:
 * "peer n3 acknowledged round 444 never sent (at 147)"), or one it sent after
 * the reply. The answer carries no round.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../../../../common/random.js';
import type { Address, Message, World } from '../../world.js';
import { Scheduler } from '../testing/scheduler.js';
import { MemoryStorage } from '../testing/storage.js';
import { scriptedEngineOptions } from '../testing/scripted.js';
import { RaftEngine } from './engine.js';

const VOTERS = ['n1', 'n2', 'n3'];

function scriptedFollower(): { engine: RaftEngine; sent: Array<{ to: Address; message: Message }> } {
  const scheduler = new Scheduler();
  const sent: Array<{ to: Address; message: Message }> = [];
  const world: World = {
    self: 'n3',
    clock: { nowMs: () => scheduler.nowMs, setTimer: (delayMs, callback) => scheduler.schedule(delayMs, callback), clearTimer: (handle) => scheduler.cancel(handle) },
    random: new SeededRandom(3),
    storage: new MemoryStorage(),
    transport: { send: (to, message) => sent.push({ to, message }) },
    log: () => undefined,
  };
  const engine = new RaftEngine(scriptedEngineOptions(world, VOTERS));
  engine.start();
  return { engine, sent };
}

function append(term: number, leader: Address, round: number): Message {
  return { type: 'raft.append', term, leader, previousIndex: 0, previousTerm: 0, entries: [], leaderCommit: 0, round } as Message;
}

test('an append of an older term is refused under the current term without echoing its round', () => {
  const { engine, sent } = scriptedFollower();
  engine.receive('n1', append(5, 'n1', 3));
  const current = sent.filter((entry) => entry.to === 'n1').at(-1)?.message as unknown as { term: number; round: number; success: boolean };
  assert.deepEqual([current.term, current.round, current.success], [5, 3, true], 'a current append is echoed with its round');
  engine.receive('n1', append(4, 'n1', 444));
  const stale = sent.filter((entry) => entry.to === 'n1').at(-1)?.message as unknown as { term: number; round: number; success: boolean };
  assert.equal(stale.term, 5, 'the refusal carries the follower term, so an old leader steps down');
  assert.equal(stale.success, false);
  assert.equal(stale.round, 0, 'the refusal of a stale append acknowledges no round');
});
