/**
 * Discovery's counting rule, with one real ZAB node and its peers played by
 * the test: only a new promise of the offered epoch counts toward a leader's
 * quorum (ZooKeeper's ACKEPOCH of -1). A peer that accepted the same epoch
 * number from another would-be leader may sync, but must not count, or two
 * leaders could both establish that epoch and issue the same zxids.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ManualScheduler } from '../../../../common/testing/manual-scheduler.js';
import type { Address, Message } from '../../world.js';
import { scriptedEngineOptions, scriptedWorld, SCRIPTED_ELECTION_TIMEOUT_MS } from '../testing/scripted.js';
import { ZabEngine } from './engine.js';

const VOTERS = ['n1', 'n2', 'n3', 'n4', 'n5'];
const ELECTION_TIMEOUT_MS = SCRIPTED_ELECTION_TIMEOUT_MS;

/** One engine whose peers are the test: it records what the engine sends and delivers what the test says. */
class ScriptedPeers {
  readonly scheduler = new ManualScheduler();
  readonly sent: Array<{ to: Address; message: Message }> = [];
  readonly logLines: string[] = [];
  readonly engine: ZabEngine;

  constructor(self: Address) {
    const world = scriptedWorld(self, this.scheduler, 5, (to, message) => this.sent.push({ to, message }), (line) => this.logLines.push(line));
    this.engine = new ZabEngine(scriptedEngineOptions(world, VOTERS));
    this.engine.start();
  }

  runFor(durationMs: number): void {
    this.scheduler.run(this.scheduler.nowMs() + durationMs);
  }

  deliver(from: Address, message: Message): void {
    this.engine.receive(from, message);
  }

  /** Messages of this type sent to `to`, oldest first. */
  sentTo(to: Address, type: string): Message[] {
    return this.sent.filter((sent) => sent.to === to && sent.message.type === type).map((sent) => sent.message);
  }

  /** The notification state of a peer in round 1 that backs n5. */
  backLeader(from: Address, state: 'looking' | 'leading' | 'following', round = 1): void {
    this.deliver(from, { type: 'zab.notification', vote: { leader: 'n5', zxid: 0, epoch: 0 }, round, state });
  }
}

function followerInfo(connection: number, acceptedEpoch: number): Message {
  return { type: 'zab.follower-info', connection, acceptedEpoch, observer: false };
}

function ackEpoch(connection: number, epoch: number, promised: boolean): Message {
  return { type: 'zab.ack-epoch', connection, epoch, promised, currentEpoch: 0, lastZxid: 0, summary: [] };
}

/** n5 elected by n1 and n2, with their FOLLOWERINFO in, past its loyalty wait: it offers epoch 1. */
function leaderOfferingEpochOne(): ScriptedPeers {
  const node = new ScriptedPeers('n5');
  node.backLeader('n1', 'looking');
  node.backLeader('n2', 'looking');
  node.runFor(40);
  assert.equal(node.engine.status().leader, 'n5', 'n5 leads');
  node.deliver('n1', followerInfo(11, 0));
  node.deliver('n2', followerInfo(12, 0));
  node.runFor(2 * ELECTION_TIMEOUT_MS);
  assert.equal(node.sentTo('n1', 'zab.new-epoch')[0]?.epoch, 1);
  // n3 already accepted epoch 1: another would-be leader chose the same number and n3 promised it there.
  node.deliver('n3', followerInfo(13, 1));
  assert.equal(node.sentTo('n3', 'zab.new-epoch')[0]?.epoch, 1);
  return node;
}

describe('zab discovery counts only new promises', () => {
  test('an ACKEPOCH that makes no new promise lets the peer sync but does not complete the quorum', () => {
    const node = leaderOfferingEpochOne();
    node.deliver('n1', ackEpoch(11, 1, true));
    node.deliver('n1', ackEpoch(11, 1, true));
    node.deliver('n3', ackEpoch(13, 1, false));
    assert.equal(node.engine.status().role, 'looking', 'n1 and n3 with n5 are three acks but only two promises');
    assert.equal(node.engine.status().epoch, 0);
    assert.deepEqual(node.sentTo('n1', 'zab.sync'), []);
    node.deliver('n2', ackEpoch(12, 1, true));
    assert.equal(node.engine.status().role, 'leader', 'three promises establish epoch 1');
    assert.equal(node.engine.status().epoch, 1);
    for (const peer of ['n1', 'n2', 'n3']) assert.equal(node.sentTo(peer, 'zab.sync').length, 1, `${peer} is synced`);
  });

  test('a leader short of new promises gives up and the next discovery offers a higher epoch', () => {
    const node = leaderOfferingEpochOne();
    node.deliver('n1', ackEpoch(11, 1, true));
    node.deliver('n3', ackEpoch(13, 1, false));
    node.deliver('n4', followerInfo(14, 1));
    node.deliver('n4', ackEpoch(14, 1, false));
    node.runFor(4 * ELECTION_TIMEOUT_MS);
    assert.equal(node.engine.status().leader, null, 'n5 went back to looking');
    assert.ok(node.logLines.some((line) => line.includes('could not establish leadership in time')));
    node.backLeader('n3', 'looking', 2);
    node.backLeader('n4', 'looking', 2);
    node.runFor(40);
    node.deliver('n3', followerInfo(23, 1));
    node.deliver('n4', followerInfo(24, 1));
    node.runFor(40);
    assert.equal(node.sentTo('n3', 'zab.new-epoch').at(-1)?.epoch, 2, 'the next offer is above the contested epoch');
    node.deliver('n3', ackEpoch(23, 2, true));
    node.deliver('n4', ackEpoch(24, 2, true));
    assert.equal(node.engine.status().role, 'leader');
    assert.equal(node.engine.status().epoch, 2);
  });

  test('a follower promises on the connection that first accepted the epoch, resends included, and not again', () => {
    const node = new ScriptedPeers('n1');
    node.runFor(2 * ELECTION_TIMEOUT_MS);
    node.backLeader('n5', 'leading');
    node.backLeader('n4', 'following');
    node.backLeader('n3', 'following');
    const first = node.sentTo('n5', 'zab.follower-info')[0]?.connection as number;
    assert.ok(first !== undefined, 'n1 joined n5');
    node.deliver('n5', { type: 'zab.new-epoch', connection: first, stream: 7, seq: 1, epoch: 1 });
    node.deliver('n5', { type: 'zab.new-epoch', connection: first, stream: 7, seq: 2, epoch: 1 });
    const acks = node.sentTo('n5', 'zab.ack-epoch');
    assert.deepEqual(acks.map((ack) => [ack.connection, ack.promised]), [[first, true], [first, true]], 'a resend repeats the promise');
    node.deliver('n5', { type: 'zab.reconnect', connection: first, epoch: 0 });
    const second = node.sentTo('n5', 'zab.follower-info').at(-1) as Message;
    assert.notEqual(second.connection, first);
    assert.equal(second.acceptedEpoch, 1);
    node.deliver('n5', { type: 'zab.new-epoch', connection: second.connection, stream: 8, seq: 1, epoch: 1 });
    assert.deepEqual(node.sentTo('n5', 'zab.ack-epoch').at(-1)?.promised, false, 'a new connection gets no second promise');
  });
});
