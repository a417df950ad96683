/**
 * The ZAB engine behind the ConsensusEngine seam: recovery on start, message
 * dispatch, and the read-only views the service and the checks use.
 */
import assert from 'node:assert/strict';
import type { Command, EngineStatus, LogEntry, Position, ReadBarrierResult, Role } from '../../engine.js';
import type { Address, Message } from '../../world.js';
import type { InspectableEngine, TunedEngineOptions } from '../shared/options.js';
import { handleAck, handlePingReply, leaseValid, proposeAsLeader, readBarrier } from './broadcast.js';
import { endLeadership, goLooking, handleNotification } from './election.js';
import {
  handleCommit,
  handleNewEpoch,
  handlePing,
  handleProposal,
  handleReconnect,
  handleSync,
  handleUpToDate,
  receiveInOrder,
} from './follower.js';
import type { ZabEntry } from './history.js';
import { handleAckEpoch, handleAckNewLeader, handleFollowerInfo, handleResendRequest } from './leader.js';
import type { ZabMessage } from './messages.js';
import { ZabNode } from './node.js';
import { epochOf } from './zxid.js';

export class ZabEngine implements InspectableEngine {
  private readonly node: ZabNode;
  private started = false;
  /** Made once, so that putting messages in order allocates nothing per message. */
  private readonly deliver: (from: Address, message: ZabMessage) => void;

  constructor(options: TunedEngineOptions) {
    const node = new ZabNode(options);
    this.node = node;
    this.deliver = (from, message) => dispatch(node, from, message);
  }

  start(): void {
    assert.ok(!this.started, 'an engine starts once');
    this.started = true;
    const node = this.node;
    node.steps.run(() => {
      node.history.load();
      const snapshot = node.history.snapshot;
      if (snapshot !== null) {
        node.options.installSnapshot(snapshot);
        node.lastCommitted = snapshot.position;
        node.appliedZxid = snapshot.position;
      }
      // A restarted peer cannot know when it last heard a leader: assume just now (see remainingLoyaltyMs).
      node.lastLeaderContactMs = node.monotonicMs();
      goLooking(node, 'started');
    });
  }

  stop(): void {
    const node = this.node;
    if (node.stopped) return;
    node.stopped = true;
    node.timers.stop();
    node.steps.run(() => endLeadership(node, 'stopped'));
  }

  receive(from: Address, message: Message): void {
    const node = this.node;
    if (node.stopped || !this.started) return;
    node.steps.run(() => {
      node.compactIfDue();
      const before = { accepted: node.history.acceptedEpoch, current: node.history.currentEpoch, committed: node.lastCommitted };
      receiveInOrder(node, from, message as unknown as ZabMessage, this.deliver);
      assert.ok(node.history.acceptedEpoch >= before.accepted, 'acceptedEpoch never goes back');
      assert.ok(node.history.currentEpoch >= before.current, 'currentEpoch never goes back');
      assert.ok(node.lastCommitted >= before.committed || node.options.bugs.size > 0, 'commits never go back');
    });
  }

  propose(command: Command): Position | null {
    const node = this.node;
    if (node.stopped) return null;
    return node.steps.run(() => {
      node.compactIfDue();
      return proposeAsLeader(node, command);
    });
  }

  /** The callback runs after the step, once every transition the step made is complete (EngineSteps). */
  readBarrier(callback: (result: ReadBarrierResult) => void): void {
    const node = this.node;
    node.steps.run(() => {
      const answer = (result: ReadBarrierResult): void => node.steps.afterStep(() => callback(result));
      if (node.stopped) answer({ ok: false, reason: 'engine stopped' });
      else readBarrier(node, answer);
    });
  }

  leaseValid(): boolean {
    return !this.node.stopped && leaseValid(this.node);
  }

  status(): EngineStatus {
    const node = this.node;
    return {
      self: node.self,
      role: role(node),
      epoch: node.history.currentEpoch,
      leader: node.state === 'leading' ? node.self : node.follower?.leader ?? null,
      commitPosition: node.lastCommitted,
      lastPosition: node.history.lastZxid,
    };
  }

  committedEntries(fromPosition: Position): LogEntry[] {
    const node = this.node;
    return node.history.entriesBetween(fromPosition - 1, node.lastCommitted).map(toLogEntry);
  }

  logEntries(fromPosition: Position): LogEntry[] {
    return this.node.history.entriesBetween(fromPosition - 1, Infinity).map(toLogEntry);
  }
}

/** A leader counts as one once a quorum accepted its epoch; before that it is still looking. */
function role(node: ZabNode): Role {
  if (node.stopped) return 'stopped';
  switch (node.state) {
    case 'leading':
      return node.leader !== null && node.leader.phase !== 'discovery' ? 'leader' : 'looking';
    case 'following':
      return 'follower';
    case 'observing':
      return 'observer';
    case 'looking':
      return 'looking';
  }
}

function toLogEntry(entry: ZabEntry): LogEntry {
  return { position: entry.zxid, epoch: epochOf(entry.zxid), command: entry.command };
}

function dispatch(node: ZabNode, from: Address, message: ZabMessage): void {
  switch (message.type) {
    case 'zab.notification':
      return handleNotification(node, from, message);
    case 'zab.follower-info':
      return handleFollowerInfo(node, from, message);
    case 'zab.new-epoch':
      return handleNewEpoch(node, from, message);
    case 'zab.ack-epoch':
      return handleAckEpoch(node, from, message);
    case 'zab.sync':
      return handleSync(node, from, message);
    case 'zab.ack-new-leader':
      return handleAckNewLeader(node, from, message);
    case 'zab.uptodate':
      return handleUpToDate(node, from, message);
    case 'zab.proposal':
    case 'zab.inform':
      return handleProposal(node, from, message);
    case 'zab.ack':
      return handleAck(node, from, message);
    case 'zab.commit':
      return handleCommit(node, from, message);
    case 'zab.ping':
      return handlePing(node, from, message);
    case 'zab.ping-reply':
      return handlePingReply(node, from, message);
    case 'zab.reconnect':
      return handleReconnect(node, from, message);
    case 'zab.resend':
      return handleResendRequest(node, from, message);
    default:
      node.world.log(`zab: ${node.self} ignores a message of type ${(message as Message).type} from ${from}`);
  }
}
