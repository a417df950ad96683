/**
 * Linearizable reads without a log write. A read index: the leader confirms it
 * still leads with a heartbeat round a quorum answers, then answers with its
 * commit index once an entry of its own term is committed (before that it may
 * not know everything committed). A lease: the same rounds, trusted for a
 * while without asking.
 */
import type { ReadBarrierResult } from '../../engine.js';
import { hasBug } from '../shared/options.js';
import { leaseDurationMs } from '../shared/rounds.js';
import type { RaftNode } from './node.js';
import { broadcastAppends } from './replication.js';

export function readBarrier(node: RaftNode, callback: (result: ReadBarrierResult) => void): void {
  const leader = node.leader;
  if (node.role !== 'leader' || leader === null) {
    callback({ ok: false, reason: `${node.self} is not the leader` });
    return;
  }
  broadcastAppends(node);
  const term = node.log.term;
  leader.rounds.waitFor(leader.rounds.currentRound, (outcome) => {
    if (!outcome.ok) {
      callback(outcome);
      return;
    }
    if (node.leader !== leader || node.log.term !== term) {
      callback({ ok: false, reason: 'leadership changed during the read barrier' });
      return;
    }
    if (leader.currentTermCommitted) {
      callback({ ok: true, position: node.commitIndex });
      return;
    }
    leader.readsAwaitingCommit.push(callback);
  });
}

export function settleReadsAwaitingCommit(node: RaftNode): void {
  const leader = node.leader;
  if (leader === null) return;
  const waiting = leader.readsAwaitingCommit;
  leader.readsAwaitingCommit = [];
  // Everything up to the commit index is applied by now: commits apply synchronously.
  for (const callback of waiting) callback({ ok: true, position: node.commitIndex });
}

export function leaseValid(node: RaftNode): boolean {
  const leader = node.leader;
  if (node.role !== 'leader' || leader === null || !leader.currentTermCommitted) return false;
  const options = node.options;
  const staleLease = hasBug(options, 'stale-lease-read');
  const durationMs = leaseDurationMs(options.leaseMs, options.electionTimeoutMs, options.maxClockDriftMs, staleLease);
  return leader.rounds.leaseHolds(durationMs, staleLease);
}
