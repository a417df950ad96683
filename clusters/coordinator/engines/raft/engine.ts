/**
 * The Raft engine behind the ConsensusEngine seam: recovery on start, message
 * dispatch, and the read-only views the service and the checks use.
 */
import assert from 'node:assert/strict';
import type { Command, EngineStatus, LogEntry, Position, ReadBarrierResult } from '../../engine.js';
import type { Address, Message } from '../../world.js';
import type { InspectableEngine, TunedEngineOptions } from '../shared/options.js';
import { handlePreVote, handlePreVoteReply, handleVote, handleVoteReply, resetElectionTimer } from './election.js';
import { handleAppend, handleSnapshot } from './follower.js';
import type { RaftEntry } from './log.js';
import type { AppendReply, AppendRequest, SnapshotRequest, VoteReply, VoteRequest } from './messages.js';
import { RaftNode } from './node.js';
import { leaseValid, readBarrier } from './reads.js';
import { handleAppendReply, propose } from './replication.js';

export class RaftEngine implements InspectableEngine {
  private readonly node: RaftNode;
  private started = false;

  constructor(options: TunedEngineOptions) {
    this.node = new RaftNode(options);
  }

  start(): void {
    assert.ok(!this.started, 'an engine starts once');
    this.started = true;
    const node = this.node;
    node.steps.run(() => {
      node.log.load();
      const snapshot = node.log.snapshot;
      if (snapshot !== null) {
        node.options.installSnapshot(snapshot);
        node.commitIndex = snapshot.position;
        node.appliedIndex = snapshot.position;
      }
      // A restarted node does not know when it last heard a leader: assume just now, so it cannot
      // help depose a leader whose lease may still run.
      node.lastLeaderContactMs = node.monotonicMs();
      resetElectionTimer(node);
    });
  }

  stop(): void {
    const node = this.node;
    if (node.stopped) return;
    node.stopped = true;
    node.timers.stop();
    node.steps.run(() => node.stepDown('stopped'));
  }

  receive(from: Address, message: Message): void {
    const node = this.node;
    if (node.stopped || !this.started) return;
    node.steps.run(() => {
      node.compactIfDue();
      const termBefore = node.log.term;
      const commitBefore = node.commitIndex;
      dispatch(node, from, message);
      assert.ok(node.log.term >= termBefore, 'terms never go backwards');
      assert.ok(node.commitIndex >= commitBefore || node.options.bugs.size > 0, 'the commit index never decreases');
      if (node.role !== 'leader' && !node.timers.isSet('election')) resetElectionTimer(node);
    });
  }

  propose(command: Command): Position | null {
    const node = this.node;
    if (node.stopped) return null;
    return node.steps.run(() => {
      node.compactIfDue();
      return propose(node, command);
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
      role: node.stopped ? 'stopped' : node.isObserver ? 'observer' : node.role,
      epoch: node.log.term,
      leader: node.leaderId,
      commitPosition: node.commitIndex,
      lastPosition: node.log.lastIndex,
    };
  }

  committedEntries(fromPosition: Position): LogEntry[] {
    const node = this.node;
    const count = node.commitIndex - Math.max(fromPosition, node.log.snapshotIndex + 1) + 1;
    if (count <= 0) return [];
    return node.log.slice(fromPosition, count).map(toLogEntry);
  }

  logEntries(fromPosition: Position): LogEntry[] {
    const log = this.node.log;
    return log.slice(fromPosition, log.lastIndex).map(toLogEntry);
  }
}

function toLogEntry(entry: RaftEntry): LogEntry {
  return { position: entry.index, epoch: entry.term, command: entry.command };
}

function dispatch(node: RaftNode, from: Address, message: Message): void {
  switch (message.type) {
    case 'raft.pre-vote':
      return handlePreVote(node, from, message as unknown as VoteRequest);
    case 'raft.pre-vote-reply':
      return handlePreVoteReply(node, from, message as unknown as VoteReply);
    case 'raft.vote':
      return handleVote(node, from, message as unknown as VoteRequest);
    case 'raft.vote-reply':
      return handleVoteReply(node, from, message as unknown as VoteReply);
    case 'raft.append':
      return handleAppend(node, from, message as unknown as AppendRequest);
    case 'raft.snapshot':
      return handleSnapshot(node, from, message as unknown as SnapshotRequest);
    case 'raft.append-reply':
      return handleAppendReply(node, from, message as unknown as AppendReply);
    default:
      node.world.log(`raft: ${node.self} ignores a message of type ${message.type} from ${from}`);
  }
}
