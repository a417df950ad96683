/**
 * Log replication from the leader's side: becoming leader, AppendEntries and
 * InstallSnapshot to each peer, heartbeats, check-quorum, and committing by a
 * majority of entries of the current term.
 */
import assert from 'node:assert/strict';
import type { Command, Position } from '../../engine.js';
import type { Address } from '../../world.js';
import { commitQuorum, hasBug, quorumValue } from '../shared/options.js';
import { LeadershipRounds, leaderQuorumTimeoutMs } from '../shared/rounds.js';
import type { AppendReply } from './messages.js';
import type { LeaderState, RaftNode } from './node.js';
import { settleReadsAwaitingCommit } from './reads.js';

export function becomeLeader(node: RaftNode): void {
  assert.equal(node.role, 'candidate', 'only a candidate becomes leader');
  node.role = 'leader';
  node.leaderId = node.self;
  node.timers.clear('election');
  const now = node.monotonicMs();
  const leader: LeaderState = {
    nextIndex: new Map(node.peers.map((peer) => [peer, node.log.lastIndex + 1])),
    matchIndex: new Map(node.peers.map((peer) => [peer, 0])),
    lastAckMs: new Map(node.peers.map((peer) => [peer, now])),
    rounds: new LeadershipRounds(node.self, node.voters, node.quorum, node.world.clock),
    currentTermCommitted: false,
    readsAwaitingCommit: [],
  };
  node.leader = leader;
  node.world.log(`raft: ${node.self} leads term ${node.log.term}`);
  // A no-op of the new term lets the leader commit (and learn) everything before it.
  appendAsLeader(node, { kind: 'noop' });
  broadcastAppends(node);
  scheduleHeartbeat(node);
  scheduleCheckQuorum(node);
}

export function propose(node: RaftNode, command: Command): Position | null {
  if (node.role !== 'leader') return null;
  const index = appendAsLeader(node, command);
  if (hasBug(node.options, 'ack-before-quorum')) {
    node.setCommitIndex(index);
    markCurrentTermCommitted(node);
  }
  const round = leaderState(node).rounds.currentRound;
  for (const peer of node.peers) sendAppend(node, peer, round);
  return index;
}

function appendAsLeader(node: RaftNode, command: Command): number {
  const index = node.log.lastIndex + 1;
  node.log.append({ index, term: node.log.term, command });
  // The leader counts itself toward the majority, so its copy must be durable first.
  node.log.sync();
  advanceCommit(node);
  return index;
}

function leaderState(node: RaftNode): LeaderState {
  assert.ok(node.role === 'leader' && node.leader !== null, 'leader state only exists on a leader');
  return node.leader;
}

export function broadcastAppends(node: RaftNode): void {
  const round = leaderState(node).rounds.startRound();
  for (const peer of node.peers) sendAppend(node, peer, round);
}

function sendAppend(node: RaftNode, peer: Address, round: number): void {
  const leader = leaderState(node);
  const nextIndex = leader.nextIndex.get(peer) as number;
  if (nextIndex <= node.log.snapshotIndex) {
    const snapshot = node.log.snapshot;
    assert.ok(snapshot !== null);
    node.send(peer, { type: 'raft.snapshot', term: node.log.term, leader: node.self, snapshot, round });
    leader.nextIndex.set(peer, snapshot.position + 1);
    return;
  }
  const previousIndex = nextIndex - 1;
  const previousTerm = node.log.termAt(previousIndex);
  if (previousTerm === undefined) assert.fail(`leader lacks entry ${previousIndex}`);
  const entries = node.log.slice(nextIndex, node.maxEntriesPerMessage);
  node.send(peer, {
    type: 'raft.append',
    term: node.log.term,
    leader: node.self,
    previousIndex,
    previousTerm,
    entries,
    leaderCommit: node.commitIndex,
    round,
  });
  // Pipelined: later sends continue after these entries; a rejection winds it back.
  leader.nextIndex.set(peer, nextIndex + entries.length);
}

export function handleAppendReply(node: RaftNode, from: Address, reply: AppendReply): void {
  if (reply.term > node.log.term) {
    node.observeTerm(reply.term);
    node.log.sync();
    return;
  }
  if (node.role !== 'leader' || reply.term !== node.log.term) return;
  const leader = leaderState(node);
  if (!leader.nextIndex.has(from)) return;
  leader.lastAckMs.set(from, node.monotonicMs());
  leader.rounds.acknowledge(from, reply.round);
  const matchIndex = leader.matchIndex.get(from) as number;
  if (reply.success) {
    if (!(reply.matchIndex <= node.log.lastIndex)) assert.fail(`${from} matched ${reply.matchIndex} beyond the leader's log`);
    leader.matchIndex.set(from, Math.max(matchIndex, reply.matchIndex));
    const nextIndex = Math.max(leader.nextIndex.get(from) as number, reply.matchIndex + 1);
    leader.nextIndex.set(from, nextIndex);
    const committedBefore = node.commitIndex;
    advanceCommit(node);
    if (node.role !== 'leader') return;
    // Followers learn a new commit at once, not at the next heartbeat: a write
    // served through a follower answers a round trip after the quorum, not up to a heartbeat later.
    if (node.commitIndex > committedBefore) for (const peer of node.peers) sendAppend(node, peer, leader.rounds.currentRound);
    else if (nextIndex <= node.log.lastIndex) sendAppend(node, from, leader.rounds.currentRound);
    return;
  }
  // A rejection of an entry the follower has acknowledged since is stale: it was overtaken by the
  // acknowledgement (etcd's maybeDecrTo ignores it too). Winding back on it would resend from
  // matchIndex + 1 at network speed against a follower that lost what it acknowledged (a planted bug).
  if (reply.rejectedIndex <= matchIndex) return;
  const retryIndex = Math.max(matchIndex + 1, Math.min(reply.hintIndex, reply.rejectedIndex));
  if (retryIndex >= (leader.nextIndex.get(from) as number)) return;
  leader.nextIndex.set(from, retryIndex);
  sendAppend(node, from, leader.rounds.currentRound);
}

/** Commits the highest entry of the current term that a quorum of voters holds. */
export function advanceCommit(node: RaftNode): void {
  const leader = leaderState(node);
  const matched = node.voters.map((voter) =>
    voter === node.self ? node.log.lastIndex : (leader.matchIndex.get(voter) as number),
  );
  const quorumIndex = quorumValue(matched, commitQuorum(node.options, node.voters.length));
  // Only entries of the current term are committed by counting (Raft figure 8).
  if (quorumIndex <= node.commitIndex || node.log.termAt(quorumIndex) !== node.log.term) return;
  node.setCommitIndex(quorumIndex);
  markCurrentTermCommitted(node);
}

function markCurrentTermCommitted(node: RaftNode): void {
  const leader = leaderState(node);
  if (leader.currentTermCommitted) return;
  leader.currentTermCommitted = true;
  settleReadsAwaitingCommit(node);
}

function scheduleHeartbeat(node: RaftNode): void {
  node.timers.set('heartbeat', node.options.heartbeatIntervalMs, () => {
    if (node.role !== 'leader') return;
    broadcastAppends(node);
    leaderState(node).rounds.expireWaiters(2 * node.options.electionTimeoutMs);
    scheduleHeartbeat(node);
  });
}

/** A leader that has not heard from a quorum for an election timeout steps down (Raft thesis 6.2). */
function scheduleCheckQuorum(node: RaftNode): void {
  node.timers.set('check-quorum', node.options.electionTimeoutMs, () => {
    if (node.role !== 'leader') return;
    const leader = leaderState(node);
    const now = node.monotonicMs();
    const timeoutMs = leaderQuorumTimeoutMs(node.options, hasBug(node.options, 'stale-lease-read'));
    const heard = node.voters.filter((voter) => voter === node.self || now - (leader.lastAckMs.get(voter) as number) < timeoutMs);
    if (heard.length < node.quorum && !hasBug(node.options, 'minority-commit')) {
      node.stepDown(`heard from only ${heard.length} of ${node.voters.length} voters`);
      return;
    }
    scheduleCheckQuorum(node);
  });
}
