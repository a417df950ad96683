/**
 * A follower's rejection of an entry it has acknowledged since is stale (the
 * acknowledgement overtook it) or, with a planted bug, the follower lost what
 * it acknowledged. Winding the follower back on it resent from matchIndex + 1
 * on every such reply: against a follower that lost acknowledged entries that
 * was a storm of appends at network speed that never ended (a simulated run
 * of the sync-ack-before-durable bug never finished). The leader ignores it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualScheduler } from '../../../../common/testing/manual-scheduler.js';
import type { Command } from '../../engine.js';
import type { Address, Message } from '../../world.js';
import { scriptedEngineOptions, scriptedWorld } from '../testing/scripted.js';
import { RaftEngine } from './engine.js';
import type { AppendReply, AppendRequest } from './messages.js';

const VOTERS = ['n1', 'n2', 'n3'];

/** n1 made leader by scripted votes, with its sent messages recorded. */
function scriptedLeader(): { engine: RaftEngine; sent: Array<{ to: Address; message: Message }>; scheduler: ManualScheduler } {
  const sent: Array<{ to: Address; message: Message }> = [];
  const scheduler = new ManualScheduler();
  const world = scriptedWorld('n1', scheduler, 1, (to, message) => sent.push({ to, message }));
  const engine = new RaftEngine(scriptedEngineOptions(world, VOTERS));
  engine.start();
  for (let step = 0; step < 10_000 && engine.status().role !== 'leader'; step++) {
    const ask = sent.find((entry) => (entry.message.type === 'raft.pre-vote' || entry.message.type === 'raft.vote') && entry.to === 'n2');
    if (ask !== undefined) {
      sent.length = 0;
      const request = ask.message as unknown as { type: string; term: number };
      // A pre-vote leaves the voter's term where it was; a vote moves it to the candidate's.
      const voterTerm = request.type === 'raft.pre-vote' ? request.term - 1 : request.term;
      engine.receive('n2', { type: `${request.type}-reply`, term: request.term, voterTerm, granted: true } as unknown as Message);
      continue;
    }
    if (!scheduler.step()) break;
  }
  assert.equal(engine.status().role, 'leader', 'the scripted votes make n1 leader');
  return { engine, sent, scheduler };
}

function appendsTo(sent: Array<{ to: Address; message: Message }>, peer: Address): AppendRequest[] {
  return sent.filter((entry) => entry.to === peer && entry.message.type === 'raft.append').map((entry) => entry.message as unknown as AppendRequest);
}

test('a rejection of an entry the follower has acknowledged since sends nothing again', () => {
  const { engine, sent } = scriptedLeader();
  const term = engine.status().epoch;
  const last = appendsTo(sent, 'n2').at(-1) as AppendRequest;
  const matched = last.previousIndex + last.entries.length;
  assert.ok(matched >= 1, 'the new leader sent its no-op');
  const reply = (fields: Partial<AppendReply>): Message => ({ type: 'raft.append-reply', term, success: true, matchIndex: 0, rejectedIndex: 0, hintIndex: 0, round: last.round, ...fields }) as unknown as Message;
  engine.receive('n2', reply({ matchIndex: matched }));
  // A write in flight: the pipeline has sent past the match.
  assert.notEqual(engine.propose({ kind: 'noop' } as Command), null);
  sent.length = 0;
  engine.receive('n2', reply({ success: false, rejectedIndex: matched, hintIndex: 1 }));
  assert.deepEqual(appendsTo(sent, 'n2'), [], 'no append resent on a rejection at or below the match');
  engine.receive('n2', reply({ success: false, rejectedIndex: matched + 1, hintIndex: matched + 1 }));
  const windBack = appendsTo(sent, 'n2');
  assert.equal(windBack.length, 1, 'a rejection past the match winds back once');
  assert.equal(windBack[0]?.previousIndex, matched, 'to just after the match');
});
