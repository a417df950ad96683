/**
 * The leader's broadcast phase: PROPOSAL to followers, ACK back, COMMIT in
 * zxid order once a quorum logged a proposal, INFORM to observers, and the
 * periodic tick that pings, resends what was lost, and checks the quorum.
 */
import assert from 'node:assert/strict';
import type { Command, Position, ReadBarrierResult } from '../../engine.js';
import type { Address } from '../../world.js';
import { commitQuorum, hasBug, quorumValue } from '../shared/options.js';
import { leaderQuorumTimeoutMs, leaseDurationMs } from '../shared/rounds.js';
import { goLooking } from './election.js';
import type { ZabEntry } from './history.js';
import { leaderState, sendNewEpoch, sendSync } from './leader.js';
import type { Ack, PingReply } from './messages.js';
import type { FollowerLink, ZabNode } from './node.js';
import { makeZxid } from './zxid.js';

export function scheduleLeaderTicks(node: ZabNode): void {
  node.timers.set('leader-tick', node.options.heartbeatIntervalMs, () => {
    if (node.state !== 'leading') return;
    leaderTick(node);
    scheduleLeaderTicks(node);
  });
}

function leaderTick(node: ZabNode): void {
  const leader = leaderState(node);
  for (const link of leader.links.values()) {
    if (link.stage === 'epoch-sent') sendNewEpoch(node, link);
    else if (link.stage === 'sync-sent') sendSync(node, link);
  }
  if (leader.phase !== 'broadcast') return;
  pingAll(node);
  for (const link of leader.links.values()) {
    if (link.stage === 'synced') resendMissing(node, link);
  }
  leader.rounds.expireWaiters(2 * node.options.electionTimeoutMs);
}

function pingAll(node: ZabNode): number {
  const leader = leaderState(node);
  const round = leader.rounds.startRound();
  for (const link of leader.links.values()) {
    if (link.stage !== 'synced') continue;
    // Not on the numbered stream: a ping need not wait behind proposals still waiting for this node's disk.
    node.sendAtOnce(link.address, {
      type: 'zab.ping',
      connection: link.connection,
      epoch: node.history.currentEpoch,
      round,
      commitZxid: node.lastCommitted,
    });
  }
  return round;
}

/** Resends what a peer has not logged; a peer behind the leader's snapshot must sync anew. */
function resendMissing(node: ZabNode, link: FollowerLink): void {
  const limit = link.observer ? node.lastCommitted : node.history.lastZxid;
  if (link.ackedZxid >= limit) return;
  if (link.ackedZxid < node.history.snapshotZxid) {
    node.send(link.address, { type: 'zab.reconnect', connection: link.connection, epoch: node.history.currentEpoch });
    return;
  }
  for (const entry of node.history.entriesBetween(link.ackedZxid, limit, node.maxEntriesPerMessage)) {
    sendEntry(node, link, entry);
  }
}

function sendEntry(node: ZabNode, link: FollowerLink, entry: ZabEntry): void {
  const previousZxid = node.history.previousOf(entry.zxid);
  assert.ok(previousZxid !== undefined, 'the leader logged what it sends');
  node.sendOnLink(link, {
    type: link.observer ? 'zab.inform' : 'zab.proposal',
    connection: link.connection,
    stream: link.outgoing.stream,
    seq: link.outgoing.take(),
    epoch: node.history.currentEpoch,
    zxid: entry.zxid,
    previousZxid,
    command: entry.command,
    commitZxid: node.lastCommitted,
  });
}

export function sendUpToDate(node: ZabNode, link: FollowerLink): void {
  node.sendOnLink(link, {
    type: 'zab.uptodate',
    connection: link.connection,
    stream: link.outgoing.stream,
    seq: link.outgoing.take(),
    epoch: node.history.currentEpoch,
    commitZxid: node.lastCommitted,
  });
}

export function proposeAsLeader(node: ZabNode, command: Command): Position | null {
  const leader = node.leader;
  if (node.state !== 'leading' || leader === null || leader.phase !== 'broadcast') return null;
  leader.counter += 1;
  const entry = { zxid: makeZxid(node.history.currentEpoch, leader.counter), command };
  node.history.append(entry);
  // The leader counts its own ACK, so its copy must be durable first.
  node.history.sync();
  if (hasBug(node.options, 'ack-before-quorum')) commitAsLeader(node, entry.zxid);
  for (const link of leader.links.values()) {
    if (link.stage === 'synced' && !link.observer) sendEntry(node, link, entry);
  }
  tryCommit(node);
  return entry.zxid;
}

function establishedLink(node: ZabNode, from: Address, connection: number, epoch: number): FollowerLink | null {
  if (node.state !== 'leading' || node.leader === null || epoch !== node.history.currentEpoch) return null;
  const link = node.leader.links.get(from);
  if (link === undefined || link.connection !== connection || link.stage !== 'synced') return null;
  link.lastAckMs = node.monotonicMs();
  return link;
}

export function handleAck(node: ZabNode, from: Address, message: Ack): void {
  const link = establishedLink(node, from, message.connection, message.epoch);
  if (link === null) return;
  if (!(message.zxid <= node.history.lastZxid)) assert.fail(`${from} acknowledged a proposal never made`);
  link.ackedZxid = Math.max(link.ackedZxid, message.zxid);
  tryCommit(node);
}

export function handlePingReply(node: ZabNode, from: Address, message: PingReply): void {
  const link = establishedLink(node, from, message.connection, message.epoch);
  if (link === null) return;
  // A reply that went out at once may report entries not yet on the peer's disk: only ACKs count toward commits.
  if (link.observer) link.ackedZxid = Math.max(link.ackedZxid, Math.min(message.lastZxid, node.history.lastZxid));
  else node.leader?.rounds.acknowledge(from, message.round);
}

/** Commits, in zxid order, every proposal a quorum of voters has logged. */
export function tryCommit(node: ZabNode): void {
  const leader = node.leader;
  if (node.state !== 'leading' || leader === null || leader.phase !== 'broadcast') return;
  const logged = node.voters.map((voter) => {
    if (voter === node.self) return node.history.lastZxid;
    const link = leader.links.get(voter);
    return link !== undefined && link.stage === 'synced' ? link.ackedZxid : 0;
  });
  const quorumZxid = quorumValue(logged, commitQuorum(node.options, node.voters.length));
  if (quorumZxid > node.lastCommitted) commitAsLeader(node, quorumZxid);
}

function commitAsLeader(node: ZabNode, zxid: number): void {
  const leader = leaderState(node);
  const previous = node.lastCommitted;
  node.setCommitted(zxid);
  assert.ok(node.lastCommitted >= previous, 'commits never go back');
  for (const link of leader.links.values()) {
    if (link.stage !== 'synced') continue;
    if (!link.observer) {
      node.sendOnLink(link, {
        type: 'zab.commit',
        connection: link.connection,
        stream: link.outgoing.stream,
        seq: link.outgoing.take(),
        epoch: node.history.currentEpoch,
        zxid,
      });
    } else if (link.ackedZxid >= previous) {
      for (const entry of node.history.entriesBetween(previous, zxid)) sendEntry(node, link, entry);
    }
  }
}

/** A leader that has not heard from a quorum for an election timeout goes back to LOOKING. */
export function checkQuorum(node: ZabNode): void {
  if (node.state !== 'leading') return;
  const leader = leaderState(node);
  if (leader.phase === 'broadcast' && !hasBug(node.options, 'minority-commit')) {
    const now = node.monotonicMs();
    const timeoutMs = leaderQuorumTimeoutMs(node.options, hasBug(node.options, 'stale-lease-read'));
    const heard = [...leader.links.values()].filter(
      (link) => !link.observer && link.stage === 'synced' && now - link.lastAckMs < timeoutMs,
    );
    if (heard.length + 1 < node.quorum) {
      goLooking(node, `heard from only ${heard.length + 1} of ${node.voters.length} voters`);
      return;
    }
  }
  node.timers.set('check-quorum', node.options.electionTimeoutMs, () => checkQuorum(node));
}

/** ZooKeeper's sync, as a barrier: a quorum confirms this leader after the call; answer its commit point. */
export function readBarrier(node: ZabNode, callback: (result: ReadBarrierResult) => void): void {
  const leader = node.leader;
  if (node.state !== 'leading' || leader === null || leader.phase !== 'broadcast') {
    callback({ ok: false, reason: `${node.self} is not an established leader` });
    return;
  }
  const round = pingAll(node);
  leader.rounds.waitFor(round, (outcome) => {
    if (!outcome.ok) callback(outcome);
    else if (node.leader !== leader) callback({ ok: false, reason: 'leadership changed during the read barrier' });
    else callback({ ok: true, position: node.lastCommitted });
  });
}

export function leaseValid(node: ZabNode): boolean {
  const leader = node.leader;
  if (node.state !== 'leading' || leader === null || leader.phase !== 'broadcast') return false;
  const options = node.options;
  const staleLease = hasBug(options, 'stale-lease-read');
  const durationMs = leaseDurationMs(options.leaseMs, options.electionTimeoutMs, options.maxClockDriftMs, staleLease);
  return leader.rounds.leaseHolds(durationMs, staleLease);
}
