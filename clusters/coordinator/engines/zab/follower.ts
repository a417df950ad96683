/**
 * The follower's and observer's side: connect to the elected leader, accept
 * its new epoch, take its history (DIFF, TRUNC or SNAP), then log proposals in
 * zxid order, acknowledging each only once it is synced to storage.
 */
import type { Address, Message } from '../../world.js';
import { expectPeersCorrect, hasBug } from '../shared/options.js';
import { IncomingStream, type Sequenced } from './channel.js';
import { goLooking } from './election.js';
import type { Commit, NewEpoch, Ping, Proposal, Reconnect, SyncHistory, UpToDate, ZabMessage } from './messages.js';
import type { FollowerState, ZabNode } from './node.js';

const CONNECTION_LIMIT = 2 ** 31;

export function becomeFollowing(node: ZabNode, leader: Address): void {
  node.state = node.isObserver ? 'observing' : 'following';
  node.leader = null;
  connect(node, leader);
}

/** Opens a fresh connection to the leader; anything still in flight on the old one is ignored. */
function connect(node: ZabNode, leader: Address): void {
  node.follower = {
    leader,
    connection: node.world.random.integer(1, CONNECTION_LIMIT),
    phase: 'discovery',
    epoch: 0,
    promised: false,
    leaderCommit: 0,
    incoming: new IncomingStream(),
  };
  node.timers.clear('gap');
  sendFollowerInfo(node);
  armLeaderTimeout(node);
}

function sendFollowerInfo(node: ZabNode): void {
  const follower = node.follower;
  if (follower === null || follower.phase !== 'discovery') return;
  node.send(follower.leader, {
    type: 'zab.follower-info',
    connection: follower.connection,
    acceptedEpoch: node.history.acceptedEpoch,
    observer: node.isObserver,
  });
  node.timers.set('follower-info', node.options.heartbeatIntervalMs, () => sendFollowerInfo(node));
}

function armLeaderTimeout(node: ZabNode): void {
  node.timers.extend('leader-timeout', node.options.electionTimeoutMs, () => goLooking(node, 'lost the leader'));
}

/** The follower state when a message belongs to the current connection; it also proves the leader alive. */
function fromLeader(node: ZabNode, from: Address, connection: number): FollowerState | null {
  const follower = node.follower;
  if (follower === null || follower.leader !== from || follower.connection !== connection) return null;
  armLeaderTimeout(node);
  return follower;
}

export function handleNewEpoch(node: ZabNode, from: Address, message: NewEpoch): void {
  const follower = fromLeader(node, from, message.connection);
  if (follower === null || (follower.phase !== 'discovery' && follower.phase !== 'sync')) return;
  const history = node.history;
  if (message.epoch < history.acceptedEpoch) {
    goLooking(node, `${from} offers epoch ${message.epoch} below accepted ${history.acceptedEpoch}`);
    return;
  }
  if (message.epoch > history.acceptedEpoch) {
    // Still loyal to a leader heard recently: let the new one ask again later.
    if (node.remainingLoyaltyMs() > 0) return;
    history.setAcceptedEpoch(message.epoch);
    history.sync();
    follower.promised = true;
  } else if (follower.phase !== 'sync' || follower.epoch !== message.epoch) {
    // Accepted before this connection asked (perhaps from another leader offering the
    // same epoch): promising again would let one peer count toward two leaders' quorums.
    follower.promised = false;
  }
  follower.phase = 'sync';
  follower.epoch = message.epoch;
  node.timers.clear('follower-info');
  node.send(from, {
    type: 'zab.ack-epoch',
    connection: follower.connection,
    epoch: message.epoch,
    promised: follower.promised,
    currentEpoch: history.currentEpoch,
    lastZxid: history.lastZxid,
    summary: history.summary(),
  });
}

export function handleSync(node: ZabNode, from: Address, message: SyncHistory): void {
  const follower = fromLeader(node, from, message.connection);
  if (follower === null || message.epoch !== follower.epoch) return;
  if (follower.phase === 'synced' || follower.phase === 'broadcast') {
    acknowledgeNewLeader(node, follower);
    return;
  }
  if (follower.phase !== 'sync') return;
  applySync(node, message);
  node.history.setCurrentEpoch(message.epoch);
  // NEWLEADER is acknowledged only once the synced history and epoch are durable.
  node.history.sync();
  follower.phase = 'synced';
  acknowledgeNewLeader(node, follower);
  applyLeaderCommit(node, follower, message.commitZxid);
  // ZOOKEEPER-1549's own path: a DIFF's proposals the new leader has not committed yet go into the state too.
  if (hasBug(node.options, 'follower-applies-uncommitted')) node.deliverLogged();
}

function applySync(node: ZabNode, message: SyncHistory): void {
  const history = node.history;
  if (message.mode === 'snap' && message.snapshot !== null) {
    const snapshot = message.snapshot;
    expectPeersCorrect(node.options, snapshot.position > node.appliedZxid, `SNAP at ${snapshot.position} behind applied ${node.appliedZxid}`);
    history.installSnapshot(snapshot, message.snapshotSummary);
    node.lastCommitted = snapshot.position;
    node.appliedZxid = snapshot.position;
    node.options.installSnapshot(snapshot);
  } else if (message.mode === 'trunc') {
    node.forgetCommitsAfter(message.truncateZxid);
    history.truncateAfter(Math.max(message.truncateZxid, history.snapshotZxid));
  }
  // The bug, as ZooKeeper 3.4.10 to 3.5.x did once ZOOKEEPER-2678 skipped the DIFF's snapshot: the
  // committed part of a DIFF is applied in memory only, and NEWLEADER is acknowledged all the same.
  const inMemoryOnly = message.mode === 'diff' && hasBug(node.options, 'sync-ack-before-durable');
  for (const entry of message.entries) {
    if (entry.zxid <= history.lastZxid) continue;
    if (inMemoryOnly && entry.zxid <= message.commitZxid) history.appendInMemoryOnly(entry);
    else history.append(entry);
  }
}

function acknowledgeNewLeader(node: ZabNode, follower: FollowerState): void {
  node.send(follower.leader, {
    type: 'zab.ack-new-leader',
    connection: follower.connection,
    epoch: follower.epoch,
    lastZxid: node.history.lastZxid,
  });
}

function applyLeaderCommit(node: ZabNode, follower: FollowerState, commitZxid: number): void {
  follower.leaderCommit = Math.max(follower.leaderCommit, commitZxid);
  node.setCommitted(follower.leaderCommit);
}

/** Messages of the broadcast phase: only after this connection's sync, and they prove an established leader. */
function established(node: ZabNode, from: Address, connection: number, epoch: number): FollowerState | null {
  const follower = fromLeader(node, from, connection);
  if (follower === null || epoch !== follower.epoch) return null;
  if (follower.phase !== 'synced' && follower.phase !== 'broadcast') return null;
  node.lastLeaderContactMs = node.monotonicMs();
  return follower;
}

export function handleUpToDate(node: ZabNode, from: Address, message: UpToDate): void {
  const follower = established(node, from, message.connection, message.epoch);
  if (follower === null) return;
  follower.phase = 'broadcast';
  applyLeaderCommit(node, follower, message.commitZxid);
}

export function handleProposal(node: ZabNode, from: Address, message: Proposal): void {
  const follower = established(node, from, message.connection, message.epoch);
  if (follower === null) return;
  const history = node.history;
  // Proposals are taken strictly in the leader's order; a gap waits for the leader to resend.
  if (message.zxid > history.lastZxid && message.previousZxid === history.lastZxid) {
    history.append({ zxid: message.zxid, command: message.command });
    history.sync();
    if (hasBug(node.options, 'follower-applies-uncommitted')) node.deliverLogged();
  }
  if (message.type === 'zab.proposal') {
    node.send(from, { type: 'zab.ack', connection: follower.connection, epoch: follower.epoch, zxid: history.lastZxid });
  }
  const commitZxid = message.type === 'zab.inform' ? Math.max(message.zxid, message.commitZxid) : message.commitZxid;
  applyLeaderCommit(node, follower, commitZxid);
}

export function handleCommit(node: ZabNode, from: Address, message: Commit): void {
  const follower = established(node, from, message.connection, message.epoch);
  if (follower !== null) applyLeaderCommit(node, follower, message.zxid);
}

export function handlePing(node: ZabNode, from: Address, message: Ping): void {
  const follower = established(node, from, message.connection, message.epoch);
  if (follower === null) return;
  // A ping comes only from an established leader: it stands in for a lost UPTODATE.
  follower.phase = 'broadcast';
  node.sendAtOnce(from, {
    type: 'zab.ping-reply',
    connection: follower.connection,
    epoch: follower.epoch,
    round: message.round,
    lastZxid: node.history.lastZxid,
  });
  applyLeaderCommit(node, follower, message.commitZxid);
}

/** The leader ended this connection (it cannot fill a gap, or cannot catch us up incrementally). */
export function handleReconnect(node: ZabNode, from: Address, message: Reconnect): void {
  const follower = fromLeader(node, from, message.connection);
  if (follower !== null) connect(node, follower.leader);
}

/**
 * Hands `deliver` the numbered messages of the current leader connection in
 * the order the leader sent them, holding back early ones (channel.ts);
 * anything else passes straight through.
 */
export function receiveInOrder(node: ZabNode, from: Address, message: ZabMessage, deliver: (from: Address, message: ZabMessage) => void): void {
  const follower = node.follower;
  const numbered = message as ZabMessage & Partial<Sequenced> & { connection?: number };
  if (follower === null || numbered.seq === undefined || follower.leader !== from || numbered.connection !== follower.connection) {
    deliver(from, message);
    return;
  }
  const incoming = follower.incoming;
  switch (incoming.accept(numbered as unknown as Message & Sequenced)) {
    case 'deliver':
      break;
    case 'held':
      if (!node.timers.isSet('gap')) node.timers.set('gap', gapWaitMs(node), () => requestMissing(node));
      return;
    case 'duplicate':
      return;
    case 'other-stream':
    case 'overflow':
      // The leader re-created its end, or the gap grew past all reason: start a fresh connection.
      connect(node, follower.leader);
      return;
  }
  deliver(from, message);
  for (let next = incoming.takeNext(); next !== undefined && node.follower === follower; next = incoming.takeNext()) {
    deliver(from, next as unknown as ZabMessage);
  }
  if (node.follower === follower && incoming.missing() === null) node.timers.clear('gap');
}

/** Reordering fills most gaps within a few milliseconds; only then is a message presumed lost. */
function gapWaitMs(node: ZabNode): number {
  return Math.max(1, node.options.heartbeatIntervalMs / 10);
}

function requestMissing(node: ZabNode): void {
  const follower = node.follower;
  const missing = follower?.incoming.missing() ?? null;
  if (follower === null || missing === null) return;
  node.send(follower.leader, { type: 'zab.resend', connection: follower.connection, ...missing });
  // The request or the resends may be lost too: ask again until the gap closes or the connection ends.
  node.timers.set('gap', node.options.heartbeatIntervalMs, () => requestMissing(node));
}
