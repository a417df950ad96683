/** Raft's wire messages: plain JSON, every type prefixed "raft.". */
import type { Snapshot } from '../../engine.js';
import type { Address } from '../../world.js';
import type { RaftEntry } from './log.js';

export interface VoteRequest {
  type: 'raft.pre-vote' | 'raft.vote';
  /** For a pre-vote, the term the candidate would stand in; it has not moved there yet. */
  term: number;
  candidate: Address;
  lastIndex: number;
  lastTerm: number;
}

export interface VoteReply {
  type: 'raft.pre-vote-reply' | 'raft.vote-reply';
  /** The term asked about. */
  term: number;
  /** The voter's own current term, so a stale candidate catches up. */
  voterTerm: number;
  granted: boolean;
}

export interface AppendRequest {
  type: 'raft.append';
  term: number;
  leader: Address;
  previousIndex: number;
  previousTerm: number;
  entries: RaftEntry[];
  leaderCommit: number;
  round: number;
}

export interface SnapshotRequest {
  type: 'raft.snapshot';
  term: number;
  leader: Address;
  snapshot: Snapshot;
  round: number;
}

export interface AppendReply {
  type: 'raft.append-reply';
  term: number;
  success: boolean;
  /** On success: the follower's log matches the leader's up to here. */
  matchIndex: number;
  /** On failure: the previousIndex that did not match, and where the leader should retry from. */
  rejectedIndex: number;
  hintIndex: number;
  round: number;
}

export type RaftMessage = VoteRequest | VoteReply | AppendRequest | SnapshotRequest | AppendReply;
