/**
 * One Raft replica's state and the transitions every concern shares: stepping
 * down, committing and applying, compacting. Election, replication and reads
 * live in their own files and act on this object.
 */
import assert from 'node:assert/strict';
import type { ReadBarrierResult } from '../../engine.js';
import { type Address, type Message, type World, monotonicNowMs } from '../../world.js';
import {
  DEFAULT_COMPACT_AFTER_ENTRIES,
  DEFAULT_MAX_ENTRIES_PER_MESSAGE,
  type TunedEngineOptions,
  expectPeersCorrect,
  majority,
} from '../shared/options.js';
import type { LeadershipRounds } from '../shared/rounds.js';
import { EngineSteps } from '../shared/steps.js';
import { TimerSet } from '../shared/timers.js';
import { RaftLog } from './log.js';
import type { RaftMessage } from './messages.js';

export type RaftRole = 'follower' | 'candidate' | 'leader';

export interface LeaderState {
  nextIndex: Map<Address, number>;
  matchIndex: Map<Address, number>;
  /** When each peer last answered, on the monotonic clock. */
  lastAckMs: Map<Address, number>;
  rounds: LeadershipRounds;
  /** A read index is only sound once the leader committed an entry of its own term. */
  currentTermCommitted: boolean;
  readsAwaitingCommit: Array<(result: ReadBarrierResult) => void>;
}

export class RaftNode {
  readonly world: World;
  readonly self: Address;
  readonly voters: readonly Address[];
  /** Every other replica, voter or observer: the ones a leader replicates to. */
  readonly peers: readonly Address[];
  readonly isObserver: boolean;
  readonly quorum: number;
  readonly compactAfterEntries: number;
  readonly maxEntriesPerMessage: number;
  readonly log: RaftLog;
  readonly steps = new EngineSteps();
  readonly timers: TimerSet;
  role: RaftRole = 'follower';
  leaderId: Address | null = null;
  commitIndex = 0;
  appliedIndex = 0;
  /** On the monotonic clock. */
  lastLeaderContactMs = 0;
  leader: LeaderState | null = null;
  preVote: { term: number; granted: Set<Address> } | null = null;
  votes: Set<Address> = new Set();
  stopped = false;

  constructor(readonly options: TunedEngineOptions) {
    this.world = options.world;
    this.self = options.world.self;
    this.voters = [...options.members];
    const observers = options.observers ?? [];
    this.isObserver = observers.includes(this.self);
    if (!(this.isObserver !== this.voters.includes(this.self))) assert.fail(`${this.self} must be exactly one of voter or observer`);
    this.peers = [...this.voters, ...observers].filter((address) => address !== this.self);
    this.quorum = majority(this.voters.length);
    this.compactAfterEntries = options.compactAfterEntries ?? DEFAULT_COMPACT_AFTER_ENTRIES;
    this.maxEntriesPerMessage = options.maxEntriesPerMessage ?? DEFAULT_MAX_ENTRIES_PER_MESSAGE;
    this.log = new RaftLog(options.world.storage);
    this.timers = new TimerSet(options.world.clock, (callback) => this.steps.run(callback));
  }

  /** What every elapsed time is measured on: a wall clock set back or forward moves no timeout. */
  monotonicMs(): number {
    return monotonicNowMs(this.world.clock);
  }

  send(to: Address, message: RaftMessage): void {
    this.world.transport.send(to, message as unknown as Message);
  }

  isVoter(address: Address): boolean {
    return this.voters.includes(address);
  }

  /**
   * True while this node heard from a live leader less than an election
   * timeout ago; it then refuses to help elect anyone else, which is what
   * makes a leader's lease sound.
   */
  leaderRecentlyHeard(): boolean {
    if (this.role === 'leader') return true;
    return this.monotonicMs() - this.lastLeaderContactMs < this.options.electionTimeoutMs;
  }

  /** Moves to a higher term (forgetting the vote) or stays; never goes back. */
  observeTerm(term: number): void {
    if (!(term >= this.log.term)) assert.fail(`term went back from ${this.log.term} to ${term}`);
    if (term > this.log.term) {
      this.log.saveHardState(term, null);
      if (this.role !== 'follower') this.stepDown('saw a higher term');
      this.leaderId = null;
    }
  }

  /** The role changes before the leader's waiters learn it ended (their callbacks run after the step anyway). */
  stepDown(reason: string): void {
    if (this.role === 'leader') this.world.log(`raft: ${this.self} steps down in term ${this.log.term}: ${reason}`);
    this.role = 'follower';
    this.preVote = null;
    this.votes = new Set();
    this.endLeadership(reason);
  }

  private endLeadership(reason: string): void {
    const leader = this.leader;
    if (leader === null) return;
    assert.notEqual(this.role, 'leader', 'leadership ends after the role changed');
    this.leader = null;
    this.timers.clear('heartbeat');
    this.timers.clear('check-quorum');
    leader.rounds.failAll(`leader deposed: ${reason}`);
    const waiting = leader.readsAwaitingCommit;
    leader.readsAwaitingCommit = [];
    for (const callback of waiting) callback({ ok: false, reason: `leader deposed: ${reason}` });
  }

  setCommitIndex(index: number): void {
    if (index <= this.commitIndex) return;
    if (!(index <= this.log.lastIndex)) assert.fail(`commit ${index} beyond the log end ${this.log.lastIndex}`);
    this.commitIndex = index;
    this.applyCommitted();
  }

  /**
   * Lowers the commit index when a (buggy) leader overwrote committed entries;
   * the applied index stays, so nothing is applied twice.
   */
  forgetCommitsFrom(index: number): void {
    expectPeersCorrect(this.options, index > this.commitIndex, `${this.self} told to overwrite committed entry ${index}`);
    this.commitIndex = Math.min(this.commitIndex, index - 1);
  }

  applyCommitted(): void {
    this.applyThrough(this.commitIndex);
  }

  /**
   * The follower-applies-uncommitted bug (ZOOKEEPER-1549): entries up to
   * `index` are applied as soon as they are logged, committed or not, so one
   * a new leader overwrites stays applied, and its replacement never is.
   */
  applyLogged(index: number): void {
    this.applyThrough(Math.min(index, this.log.lastIndex));
  }

  private applyThrough(lastIndex: number): void {
    while (this.appliedIndex < lastIndex) {
      const index = this.appliedIndex + 1;
      const entry = this.log.entryAt(index);
      if (entry === undefined) assert.fail(`committed entry ${index} missing from the log`);
      this.appliedIndex = index;
      this.options.onCommit({ position: entry.index, epoch: entry.term, command: entry.command });
    }
  }

  /**
   * Called as a step starts: what a step commits stays in the log until it
   * ends, so every committed entry can be read back (the simulator's
   * consensus invariants read each step's commits from the log).
   */
  compactIfDue(): void {
    if (this.appliedIndex - this.log.snapshotIndex < this.compactAfterEntries) return;
    if (this.appliedIndex > this.commitIndex) return;
    const term = this.log.termAt(this.appliedIndex);
    if (term === undefined) return;
    const snapshot = this.options.takeSnapshot();
    assert.equal(snapshot.position, this.appliedIndex, 'the service snapshots exactly what it applied');
    this.log.compactThrough({ position: this.appliedIndex, epoch: term, state: snapshot.state });
  }
}
