/**
 * Log replication from a follower's side: the AppendEntries consistency check,
 * conflict truncation, InstallSnapshot, and the sync that must precede every
 * acknowledgement.
 */
import assert from 'node:assert/strict';
import type { Address } from '../../world.js';
import { expectPeersCorrect, hasBug } from '../shared/options.js';
import { resetElectionTimer } from './election.js';
import type { AppendReply, AppendRequest, SnapshotRequest } from './messages.js';
import type { RaftNode } from './node.js';

/** Accepts `leader` as the leader of `term`; false when the message is from a stale term. */
function acceptLeader(node: RaftNode, term: number, leader: Address): boolean {
  if (term < node.log.term) return false;
  node.observeTerm(term);
  if (node.role === 'leader') {
    // Two leaders in one term would need two majorities of votes.
    expectPeersCorrect(node.options, false, `${node.self} and ${leader} both lead term ${term}`);
    node.stepDown(`${leader} also leads term ${term}`);
  }
  if (node.role === 'candidate') node.stepDown(`${leader} won term ${term}`);
  node.preVote = null;
  node.leaderId = leader;
  node.lastLeaderContactMs = node.monotonicMs();
  resetElectionTimer(node);
  return true;
}

function reply(node: RaftNode, to: Address, fields: Omit<AppendReply, 'type' | 'term'>): void {
  node.send(to, { type: 'raft.append-reply', term: node.log.term, ...fields });
}

/**
 * A request from an older term is answered under this node's term, so its
 * sender steps down; it must not echo the old request's round, which the
 * sender, leading again in this node's term, would read as an echo of one
 * of its new rounds (a round it never sent, or one sent after the reply).
 */
const NO_ROUND = 0;

export function handleAppend(node: RaftNode, from: Address, request: AppendRequest): void {
  const base = { success: false, matchIndex: 0, rejectedIndex: request.previousIndex, round: request.round };
  if (!acceptLeader(node, request.term, request.leader)) {
    reply(node, from, { ...base, hintIndex: request.previousIndex, round: NO_ROUND });
    return;
  }
  const log = node.log;
  if (request.previousIndex > log.lastIndex) {
    node.log.sync();
    reply(node, from, { ...base, hintIndex: log.lastIndex + 1 });
    return;
  }
  if (request.previousIndex >= log.snapshotIndex && log.termAt(request.previousIndex) !== request.previousTerm) {
    node.log.sync();
    reply(node, from, { ...base, hintIndex: log.firstIndexOfTerm(request.previousIndex) });
    return;
  }
  appendEntries(node, request);
  const matchIndex = Math.max(request.previousIndex + request.entries.length, Math.min(log.snapshotIndex, node.commitIndex));
  // Acknowledged entries must survive a crash: the leader counts on them.
  node.log.sync();
  node.setCommitIndex(Math.min(request.leaderCommit, request.previousIndex + request.entries.length));
  if (hasBug(node.options, 'follower-applies-uncommitted')) node.applyLogged(request.previousIndex + request.entries.length);
  reply(node, from, { success: true, matchIndex, rejectedIndex: 0, hintIndex: 0, round: request.round });
}

function appendEntries(node: RaftNode, request: AppendRequest): void {
  const log = node.log;
  // The bug, Raft's counterpart of ZAB's DIFF applied in memory: entries the leader already calls committed
  // are kept out of the log on disk (the quorum has them, it reasons), and acknowledged all the same.
  const inMemoryOnly = hasBug(node.options, 'sync-ack-before-durable');
  let expectedIndex = request.previousIndex + 1;
  for (const entry of request.entries) {
    assert.equal(entry.index, expectedIndex, 'entries in a message are consecutive');
    expectedIndex += 1;
    if (entry.index <= log.snapshotIndex) continue;
    const existingTerm = log.termAt(entry.index);
    if (existingTerm === entry.term) continue;
    if (existingTerm !== undefined) {
      if (entry.index <= node.appliedIndex) node.world.log(`raft: ${node.self} overwrites applied entry ${entry.index} (bug mode)`);
      node.forgetCommitsFrom(entry.index);
      log.truncateFrom(entry.index);
    }
    if (inMemoryOnly && entry.index <= request.leaderCommit) log.appendInMemoryOnly(entry);
    else log.append(entry);
  }
}

export function handleSnapshot(node: RaftNode, from: Address, request: SnapshotRequest): void {
  const base = { rejectedIndex: 0, hintIndex: 0, round: request.round };
  if (!acceptLeader(node, request.term, request.leader)) {
    reply(node, from, { ...base, success: false, matchIndex: 0, hintIndex: 1, round: NO_ROUND });
    return;
  }
  const snapshot = request.snapshot;
  if (snapshot.position <= node.commitIndex || snapshot.position <= node.appliedIndex) {
    node.log.sync();
    reply(node, from, { ...base, success: true, matchIndex: Math.min(snapshot.position, node.commitIndex) });
    return;
  }
  assert.ok(snapshot.epoch <= node.log.term, 'a snapshot cannot come from the future');
  node.log.installSnapshot(snapshot);
  node.log.sync();
  node.commitIndex = snapshot.position;
  node.appliedIndex = snapshot.position;
  node.options.installSnapshot(snapshot);
  node.world.log(`raft: ${node.self} installed a snapshot at ${snapshot.position}`);
  node.applyCommitted();
  reply(node, from, { ...base, success: true, matchIndex: snapshot.position });
}
