/**
 * The leader's discovery and synchronization phases. Discovery: gather a
 * quorum's acceptedEpoch, pick a larger one, and collect ACKEPOCH with each
 * peer's history summary. Synchronization: bring each peer to the leader's
 * history with DIFF, TRUNC or SNAP; once a quorum acknowledged NEWLEADER the
 * whole initial history is committed and broadcast begins.
 */
import assert from 'node:assert/strict';
import type { Address } from '../../world.js';
import { hasBug } from '../shared/options.js';
import { LeadershipRounds } from '../shared/rounds.js';
import { checkQuorum, scheduleLeaderTicks, sendUpToDate, tryCommit } from './broadcast.js';
import { goLooking } from './election.js';
import { OutgoingStream } from './channel.js';
import { commonPoint } from './history.js';
import type { AckEpoch, AckNewLeader, FollowerInfo, ResendRequest, SyncMode } from './messages.js';
import type { FollowerLink, LeaderState, ZabNode } from './node.js';
import { EPOCH_LIMIT, formatZxid } from './zxid.js';

export function becomeLeading(node: ZabNode): void {
  assert.ok(!node.isObserver, 'observers never lead');
  node.state = 'leading';
  node.follower = null;
  node.leader = {
    phase: 'discovery',
    newEpoch: null,
    promisers: new Set(),
    links: new Map(),
    counter: 0,
    rounds: new LeadershipRounds(node.self, node.voters, node.quorum, node.world.clock),
  };
  node.timers.set('establish', 4 * node.options.electionTimeoutMs, () => {
    if (node.leader?.phase !== 'broadcast') goLooking(node, 'could not establish leadership in time');
  });
  scheduleLeaderTicks(node);
  checkQuorum(node);
  tryChooseEpoch(node);
}

const STREAM_ID_LIMIT = 2 ** 31;

export function leaderState(node: ZabNode): LeaderState {
  assert.ok(node.state === 'leading' && node.leader !== null, 'leader state only exists on a leader');
  return node.leader;
}

export function handleFollowerInfo(node: ZabNode, from: Address, message: FollowerInfo): void {
  if (node.state !== 'leading' || node.leader === null) return;
  if (message.observer !== node.observers.includes(from)) return;
  const leader = node.leader;
  if (leader.newEpoch !== null && message.acceptedEpoch > leader.newEpoch) {
    yieldToHigherEpoch(node, from, message.acceptedEpoch);
    return;
  }
  const existing = leader.links.get(from);
  if (existing === undefined || existing.connection !== message.connection) {
    leader.links.set(from, {
      address: from,
      connection: message.connection,
      observer: message.observer,
      acceptedEpoch: message.acceptedEpoch,
      stage: 'info',
      ackEpoch: null,
      ackedZxid: 0,
      lastAckMs: node.monotonicMs(),
      outgoing: new OutgoingStream(node.world.random.integer(1, STREAM_ID_LIMIT)),
    });
  }
  const link = leader.links.get(from) as FollowerLink;
  if (leader.newEpoch !== null) sendNewEpoch(node, link);
  else tryChooseEpoch(node);
}

/**
 * A peer accepted a newer epoch than this leader's (offered by a would-be
 * leader that never established it) and so refuses this one for good: it
 * would stay LOOKING, rejoin this leader and be refused again forever. This
 * leader cannot move its epoch in place, so it takes the peer's acceptedEpoch
 * as its own (a promise it may make: it only refuses more) and steps down;
 * the next discovery then proposes an epoch above it.
 */
function yieldToHigherEpoch(node: ZabNode, from: Address, acceptedEpoch: number): void {
  node.history.setAcceptedEpoch(acceptedEpoch);
  node.history.sync();
  goLooking(node, `${from} accepted epoch ${acceptedEpoch}, above this leader's ${leaderState(node).newEpoch}`);
}

/** With a quorum's acceptedEpoch known, the new epoch is one more than all of them. */
function tryChooseEpoch(node: ZabNode): void {
  const leader = leaderState(node);
  if (leader.newEpoch !== null) return;
  const voterLinks = [...leader.links.values()].filter((link) => !link.observer);
  if (voterLinks.length + 1 < node.quorum) return;
  const waitMs = node.remainingLoyaltyMs();
  if (waitMs > 0) {
    node.timers.set('choose-epoch', waitMs, () => node.leader === leader && tryChooseEpoch(node));
    return;
  }
  const newEpoch = Math.max(node.history.acceptedEpoch, ...voterLinks.map((link) => link.acceptedEpoch)) + 1;
  assert.ok(newEpoch < EPOCH_LIMIT, 'epoch space exhausted');
  leader.newEpoch = newEpoch;
  node.history.setAcceptedEpoch(newEpoch);
  node.history.sync();
  for (const link of leader.links.values()) sendNewEpoch(node, link);
  checkEpochQuorum(node);
}

export function sendNewEpoch(node: ZabNode, link: FollowerLink): void {
  const epoch = leaderState(node).newEpoch;
  assert.ok(epoch !== null);
  node.sendOnLink(link, {
    type: 'zab.new-epoch',
    connection: link.connection,
    stream: link.outgoing.stream,
    seq: link.outgoing.take(),
    epoch,
  });
  if (link.stage === 'info') link.stage = 'epoch-sent';
}

export function handleAckEpoch(node: ZabNode, from: Address, message: AckEpoch): void {
  if (node.state !== 'leading' || node.leader === null) return;
  const leader = node.leader;
  const link = leader.links.get(from);
  if (link === undefined || link.connection !== message.connection || message.epoch !== leader.newEpoch) return;
  link.lastAckMs = node.monotonicMs();
  if (link.ackEpoch === null) {
    link.ackEpoch = { currentEpoch: message.currentEpoch, lastZxid: message.lastZxid, summary: message.summary };
  }
  if (leader.phase !== 'discovery') {
    if (link.stage === 'epoch-sent') sendSync(node, link);
    return;
  }
  // ZooKeeper gives up leading when a follower turns out more up to date than itself.
  const history = node.history;
  const ahead = message.currentEpoch > history.currentEpoch || (message.currentEpoch === history.currentEpoch && message.lastZxid > history.lastZxid);
  if (ahead && !hasBug(node.options, 'vote-ignores-log')) {
    goLooking(node, `${from} is ahead at ${formatZxid(message.lastZxid)}`);
    return;
  }
  // As ZooKeeper's electingFollowers: a peer counts once, and only for a promise made to this leader.
  if (message.promised && !link.observer) leader.promisers.add(from);
  checkEpochQuorum(node);
}

/**
 * Only new promises count: a peer that had already accepted this epoch may
 * have promised it to another leader that chose the same number, and
 * counting it twice could let both establish it. A leader short of promises
 * gives up at its establish deadline, and the next one picks a higher epoch.
 */
function checkEpochQuorum(node: ZabNode): void {
  const leader = leaderState(node);
  if (leader.phase !== 'discovery' || leader.newEpoch === null || leader.promisers.size + 1 < node.quorum) return;
  leader.phase = 'sync';
  node.history.setCurrentEpoch(leader.newEpoch);
  node.history.sync();
  node.world.log(`zab: ${node.self} leads epoch ${leader.newEpoch}, synchronizing`);
  for (const link of leader.links.values()) {
    if (link.ackEpoch !== null) sendSync(node, link);
  }
  checkSyncQuorum(node);
}

/** Brings one peer to the leader's history: DIFF what it lacks, TRUNC what it should not have, or SNAP. */
export function sendSync(node: ZabNode, link: FollowerLink): void {
  const history = node.history;
  const ackEpoch = link.ackEpoch;
  assert.ok(ackEpoch !== null, 'sync follows ACKEPOCH');
  const common = commonPoint(history.summary(), ackEpoch.summary);
  const limit = link.observer ? node.lastCommitted : history.lastZxid;
  let mode: SyncMode = 'diff';
  let from = common;
  if (common < history.snapshotZxid) {
    mode = 'snap';
    from = history.snapshotZxid;
  } else if (ackEpoch.lastZxid > common) {
    mode = 'trunc';
  }
  node.sendOnLink(link, {
    type: 'zab.sync',
    connection: link.connection,
    stream: link.outgoing.stream,
    seq: link.outgoing.take(),
    epoch: history.currentEpoch,
    mode,
    truncateZxid: common,
    snapshot: mode === 'snap' ? history.snapshot : null,
    snapshotSummary: mode === 'snap' ? history.snapshotSummary : [],
    entries: history.entriesBetween(from, limit),
    commitZxid: node.lastCommitted,
  });
  link.stage = 'sync-sent';
}

export function handleAckNewLeader(node: ZabNode, from: Address, message: AckNewLeader): void {
  if (node.state !== 'leading' || node.leader === null) return;
  const leader = node.leader;
  const link = leader.links.get(from);
  if (link === undefined || link.connection !== message.connection || message.epoch !== node.history.currentEpoch) return;
  if (link.stage !== 'sync-sent' && link.stage !== 'synced') return;
  if (!(message.lastZxid <= node.history.lastZxid)) assert.fail(`${from} synced beyond the leader's history`);
  link.stage = 'synced';
  link.lastAckMs = node.monotonicMs();
  link.ackedZxid = Math.max(link.ackedZxid, message.lastZxid);
  if (leader.phase === 'sync') checkSyncQuorum(node);
  else if (leader.phase === 'broadcast') {
    sendUpToDate(node, link);
    // The peer logged the synced history durably: that may complete a quorum (no ACK follows for it).
    tryCommit(node);
  }
}

function checkSyncQuorum(node: ZabNode): void {
  const leader = leaderState(node);
  const synced = [...leader.links.values()].filter((link) => !link.observer && link.stage === 'synced');
  if (leader.phase !== 'sync' || synced.length + 1 < node.quorum) return;
  leader.phase = 'broadcast';
  leader.counter = 0;
  node.timers.clear('establish');
  node.world.log(`zab: ${node.self} established epoch ${node.history.currentEpoch}`);
  // A quorum holds the leader's whole history now: all of it is committed.
  node.setCommitted(node.history.lastZxid);
  for (const link of leader.links.values()) {
    if (link.stage === 'synced') sendUpToDate(node, link);
  }
}

/** A follower missed messages on its connection: send them again, or end the connection if they are gone. */
export function handleResendRequest(node: ZabNode, from: Address, message: ResendRequest): void {
  if (node.state !== 'leading' || node.leader === null) return;
  const link = node.leader.links.get(from);
  if (link === undefined || link.connection !== message.connection) return;
  const missing = link.outgoing.range(message.fromSeq, message.throughSeq);
  if (missing === null) {
    node.send(from, { type: 'zab.reconnect', connection: link.connection, epoch: node.history.currentEpoch });
    return;
  }
  for (const resent of missing) node.world.transport.send(from, resent);
}
