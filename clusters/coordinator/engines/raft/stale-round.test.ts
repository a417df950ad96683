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
import { ManualScheduler } from '../../../../common/testing/manual-scheduler.js';
import type { Address, Message } from '../../world.js';
import { scriptedEngineOptions, scriptedWorld } from '../testing/scripted.js';
import { RaftEngine } from './engine.js';

const VOTERS = ['n1', 'n2', 'n3'];

function scriptedFollower(): { engine: RaftEngine; sent: Array<{ to: Address; message: Message }> } {
  const sent: Array<{ to: Address; message: Message }> = [];
  const world = scriptedWorld('n3', new ManualScheduler(), 3, (to, message) => sent.push({ to, message }));
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
