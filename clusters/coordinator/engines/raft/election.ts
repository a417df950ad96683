/**
 * Leader election: randomized timeouts, a pre-vote round that disturbs nobody
 * (a node cut off cannot inflate terms), then a real vote granted only to a
 * candidate whose log is at least as up to date as the voter's.
 */
import assert from 'node:assert/strict';
import type { Address } from '../../world.js';
import { hasBug } from '../shared/options.js';
import type { VoteReply, VoteRequest } from './messages.js';
import type { RaftNode } from './node.js';
import { becomeLeader } from './replication.js';

export function resetElectionTimer(node: RaftNode): void {
  if (node.isObserver || node.role === 'leader') return;
  const timeoutMs = node.options.electionTimeoutMs;
  const delayMs = node.world.random.integer(timeoutMs, 2 * timeoutMs);
  node.timers.extend('election', delayMs, () => onElectionTimeout(node));
}

function onElectionTimeout(node: RaftNode): void {
  assert.notEqual(node.role, 'leader', 'a leader has no election timer');
  node.leaderId = null;
  startPreVote(node);
  resetElectionTimer(node);
}

function startPreVote(node: RaftNode): void {
  node.preVote = { term: node.log.term + 1, granted: new Set([node.self]) };
  if (node.preVote.granted.size >= node.quorum) {
    startElection(node);
    return;
  }
  for (const voter of node.voters) {
    if (voter === node.self) continue;
    node.send(voter, voteRequest(node, 'raft.pre-vote', node.preVote.term));
  }
}

function startElection(node: RaftNode): void {
  node.preVote = null;
  node.role = 'candidate';
  node.leaderId = null;
  node.log.saveHardState(node.log.term + 1, node.self);
  node.log.sync();
  node.votes = new Set([node.self]);
  node.world.log(`raft: ${node.self} stands for term ${node.log.term}`);
  if (node.votes.size >= node.quorum) {
    becomeLeader(node);
    return;
  }
  for (const voter of node.voters) {
    if (voter === node.self) continue;
    node.send(voter, voteRequest(node, 'raft.vote', node.log.term));
  }
}

function voteRequest(node: RaftNode, type: VoteRequest['type'], term: number): VoteRequest {
  return { type, term, candidate: node.self, lastIndex: node.log.lastIndex, lastTerm: node.log.lastTerm };
}

function candidateLogUpToDate(node: RaftNode, request: VoteRequest): boolean {
  if (hasBug(node.options, 'vote-ignores-log')) return true;
  if (request.lastTerm !== node.log.lastTerm) return request.lastTerm > node.log.lastTerm;
  return request.lastIndex >= node.log.lastIndex;
}

export function handlePreVote(node: RaftNode, from: Address, request: VoteRequest): void {
  if (!node.isVoter(from) || node.isObserver) return;
  const granted = request.term > node.log.term && !node.leaderRecentlyHeard() && candidateLogUpToDate(node, request);
  const reply: VoteReply = { type: 'raft.pre-vote-reply', term: request.term, voterTerm: node.log.term, granted };
  node.send(from, reply);
}

export function handlePreVoteReply(node: RaftNode, from: Address, reply: VoteReply): void {
  if (reply.voterTerm > node.log.term) {
    node.observeTerm(reply.voterTerm);
    node.log.sync();
    return;
  }
  const preVote = node.preVote;
  if (preVote === null || reply.term !== preVote.term || !reply.granted || node.role === 'leader') return;
  preVote.granted.add(from);
  if (preVote.granted.size >= node.quorum) startElection(node);
}

export function handleVote(node: RaftNode, from: Address, request: VoteRequest): void {
  if (!node.isVoter(from) || node.isObserver) return;
  // A voter that still hears a leader ignores the request outright, term included (Raft thesis 4.2.3).
  if (request.term < node.log.term || node.leaderRecentlyHeard()) {
    node.send(from, { type: 'raft.vote-reply', term: request.term, voterTerm: node.log.term, granted: false });
    return;
  }
  node.observeTerm(request.term);
  const free = node.log.votedFor === null || node.log.votedFor === request.candidate;
  const granted = free && candidateLogUpToDate(node, request);
  if (granted) {
    node.log.saveHardState(node.log.term, request.candidate);
    resetElectionTimer(node);
  }
  // The vote (and any new term) must survive a crash before anyone relies on it.
  node.log.sync();
  node.send(from, { type: 'raft.vote-reply', term: request.term, voterTerm: node.log.term, granted });
}

export function handleVoteReply(node: RaftNode, from: Address, reply: VoteReply): void {
  if (reply.voterTerm > node.log.term) {
    node.observeTerm(reply.voterTerm);
    node.log.sync();
    resetElectionTimer(node);
    return;
  }
  if (node.role !== 'candidate' || reply.term !== node.log.term || !reply.granted) return;
  node.votes.add(from);
  if (node.votes.size >= node.quorum) becomeLeader(node);
}
