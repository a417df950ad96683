/**
 * Fast leader election: LOOKING peers exchange votes (epoch, zxid, server id)
 * and adopt any better one; a vote a quorum shares wins after a short wait for
 * better news. A peer that finds a quorum already settled on a leader joins it.
 */
import type { Address } from '../../world.js';
import { hasBug } from '../shared/options.js';
import { becomeFollowing } from './follower.js';
import { becomeLeading } from './leader.js';
import type { Notification, Vote } from './messages.js';
import type { ZabNode } from './node.js';

export function goLooking(node: ZabNode, reason: string): void {
  if (node.state !== 'looking') node.world.log(`zab: ${node.self} looking: ${reason}`);
  node.state = 'looking';
  node.follower = null;
  endLeadership(node, reason);
  node.timers.clearAll();
  const election = node.election;
  election.round += 1;
  election.vote = selfVote(node);
  election.received = new Map();
  election.settled = new Map();
  if (!node.isObserver) election.received.set(node.self, election.vote);
  broadcastNotification(node);
  checkAgreement(node);
}

export function endLeadership(node: ZabNode, reason: string): void {
  const leader = node.leader;
  if (leader === null) return;
  node.leader = null;
  leader.rounds.failAll(`leader deposed: ${reason}`);
}

function selfVote(node: ZabNode): Vote {
  return { leader: node.self, zxid: node.history.lastZxid, epoch: node.history.currentEpoch };
}

/** ZooKeeper's totalOrderPredicate; the vote-ignores-log bug looks at server ids alone. */
function better(node: ZabNode, candidate: Vote, current: Vote): boolean {
  if (!hasBug(node.options, 'vote-ignores-log')) {
    if (candidate.epoch !== current.epoch) return candidate.epoch > current.epoch;
    if (candidate.zxid !== current.zxid) return candidate.zxid > current.zxid;
  }
  return node.serverId(candidate.leader) > node.serverId(current.leader);
}

function sameVote(left: Vote, right: Vote): boolean {
  return left.leader === right.leader && left.zxid === right.zxid && left.epoch === right.epoch;
}

function notification(node: ZabNode): Notification {
  const state = node.state === 'looking' && node.isObserver ? 'observing' : node.state;
  return { type: 'zab.notification', vote: node.election.vote, round: node.election.round, state };
}

function broadcastNotification(node: ZabNode): void {
  for (const voter of node.voters) {
    if (voter !== node.self) node.send(voter, notification(node));
  }
  // Lost notifications are resent while looking, as ZooKeeper does with a growing backoff.
  node.timers.set('notify', 2 * node.options.heartbeatIntervalMs, () => {
    if (node.state === 'looking') broadcastNotification(node);
  });
}

export function handleNotification(node: ZabNode, from: Address, message: Notification): void {
  const fromVoter = node.isVoter(from);
  if (node.state !== 'looking') {
    if (message.state === 'looking' || message.state === 'observing') node.send(from, notification(node));
    return;
  }
  if (!fromVoter) return;
  if (message.state === 'looking') {
    if (!node.isObserver) handleLookingVote(node, from, message);
    return;
  }
  node.election.settled.set(from, { vote: message.vote, state: message.state });
  if (message.round === node.election.round && !node.isObserver) {
    node.election.received.set(from, message.vote);
    checkAgreement(node);
  }
  joinSettledLeader(node, message.vote.leader);
}

function handleLookingVote(node: ZabNode, from: Address, message: Notification): void {
  const election = node.election;
  if (message.round < election.round) {
    node.send(from, notification(node));
    return;
  }
  if (message.round > election.round) {
    election.round = message.round;
    election.received = new Map();
    const own = selfVote(node);
    election.vote = better(node, message.vote, own) ? message.vote : own;
    election.received.set(node.self, election.vote);
    broadcastNotification(node);
  } else if (better(node, message.vote, election.vote)) {
    election.vote = message.vote;
    election.received.set(node.self, election.vote);
    broadcastNotification(node);
  }
  election.received.set(from, message.vote);
  checkAgreement(node);
}

function agreeing(node: ZabNode): number {
  let count = 0;
  for (const vote of node.election.received.values()) if (sameVote(vote, node.election.vote)) count += 1;
  return count;
}

/** A quorum agrees with this node's vote: decide after a short wait, unless a better vote turns up. */
function checkAgreement(node: ZabNode): void {
  if (node.isObserver || agreeing(node) < node.quorum) {
    node.timers.clear('finalize');
    return;
  }
  if (node.timers.isSet('finalize')) return;
  const vote = node.election.vote;
  node.timers.set('finalize', node.options.heartbeatIntervalMs, () => {
    if (node.state !== 'looking' || !sameVote(vote, node.election.vote) || agreeing(node) < node.quorum) return;
    decide(node, vote.leader);
  });
}

/** A quorum of settled voters follows `leader`, and it says it leads: join without an election. */
function joinSettledLeader(node: ZabNode, leader: Address): void {
  const settled = node.election.settled;
  let supporters = 0;
  for (const report of settled.values()) if (report.vote.leader === leader) supporters += 1;
  if (supporters < node.quorum || settled.get(leader)?.state !== 'leading') return;
  node.election.vote = (settled.get(leader) as { vote: Vote }).vote;
  decide(node, leader);
}

function decide(node: ZabNode, leader: Address): void {
  node.timers.clearAll();
  if (leader === node.self) becomeLeading(node);
  else becomeFollowing(node, leader);
}
