/**
 * One ZAB peer's state and the transitions its phases share: going back to
 * LOOKING, committing and delivering in zxid order, and compacting.
 */
import assert from 'node:assert/strict';
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
import { ZabHistory, type EpochMark } from './history.js';
import type { IncomingStream, OutgoingStream, Sequenced } from './channel.js';
import type { LeaderStreamMessage, PeerState, Vote, ZabMessage } from './messages.js';
import { epochOf } from './zxid.js';

export interface ElectionState {
  /** ZooKeeper's logicalclock: which election this node is in. */
  round: number;
  vote: Vote;
  /** Votes of this round, from LOOKING peers and from settled peers that voted in it. */
  received: Map<Address, Vote>;
  /** What settled (following or leading) voters report, to join a leader already elected. */
  settled: Map<Address, { vote: Vote; state: PeerState }>;
}

export type LinkStage = 'info' | 'epoch-sent' | 'sync-sent' | 'synced';

/** The leader's view of one follower or observer connection. */
export interface FollowerLink {
  address: Address;
  connection: number;
  observer: boolean;
  acceptedEpoch: number;
  stage: LinkStage;
  ackEpoch: { currentEpoch: number; lastZxid: number; summary: EpochMark[] } | null;
  /** Highest zxid this peer has logged of the leader's history (valid once synced). */
  ackedZxid: number;
  /** When this peer last answered, on the monotonic clock. */
  lastAckMs: number;
  /** Numbers what the leader sends on this connection (channel.ts). */
  outgoing: OutgoingStream;
}

export interface LeaderState {
  phase: 'discovery' | 'sync' | 'broadcast';
  newEpoch: number | null;
  /** Voters that promised newEpoch to this leader, whichever of their connections carried it. */
  promisers: Set<Address>;
  links: Map<Address, FollowerLink>;
  counter: number;
  rounds: LeadershipRounds;
}

export interface FollowerState {
  leader: Address;
  connection: number;
  phase: 'discovery' | 'sync' | 'synced' | 'broadcast';
  epoch: number;
  /** This connection took `epoch` as acceptedEpoch: acks of resent NEWEPOCHs repeat that promise. */
  promised: boolean;
  leaderCommit: number;
  /** Puts what the leader sends on this connection back in order (channel.ts). */
  incoming: IncomingStream;
}

export class ZabNode {
  readonly world: World;
  readonly self: Address;
  readonly voters: readonly Address[];
  readonly observers: readonly Address[];
  readonly isObserver: boolean;
  readonly quorum: number;
  readonly compactAfterEntries: number;
  readonly maxEntriesPerMessage: number;
  readonly history: ZabHistory;
  readonly steps = new EngineSteps();
  readonly timers: TimerSet;
  state: PeerState = 'looking';
  election: ElectionState;
  leader: LeaderState | null = null;
  follower: FollowerState | null = null;
  lastCommitted = 0;
  appliedZxid = 0;
  /** On the monotonic clock. */
  lastLeaderContactMs = 0;
  stopped = false;

  constructor(readonly options: TunedEngineOptions) {
    this.world = options.world;
    this.self = options.world.self;
    this.voters = [...options.members];
    this.observers = [...(options.observers ?? [])];
    this.isObserver = this.observers.includes(this.self);
    assert.ok(this.isObserver !== this.voters.includes(this.self), `${this.self} must be exactly one of voter or observer`);
    this.quorum = majority(this.voters.length);
    this.compactAfterEntries = options.compactAfterEntries ?? DEFAULT_COMPACT_AFTER_ENTRIES;
    this.maxEntriesPerMessage = options.maxEntriesPerMessage ?? DEFAULT_MAX_ENTRIES_PER_MESSAGE;
    this.history = new ZabHistory(options.world.storage);
    this.timers = new TimerSet(options.world.clock, (callback) => this.steps.run(callback));
    this.election = { round: 0, vote: { leader: this.self, zxid: 0, epoch: 0 }, received: new Map(), settled: new Map() };
  }

  /** What every elapsed time is measured on: a wall clock set back or forward moves no timeout. */
  monotonicMs(): number {
    return monotonicNowMs(this.world.clock);
  }

  send(to: Address, message: ZabMessage): void {
    this.world.transport.send(to, message as unknown as Message);
  }

  /** For pings and their replies only: they depend on no sync (see Ping in messages.ts). */
  sendAtOnce(to: Address, message: ZabMessage): void {
    const transport = this.world.transport;
    if (transport.sendAtOnce !== undefined) transport.sendAtOnce(to, message as unknown as Message);
    else transport.send(to, message as unknown as Message);
  }

  /**
   * Sends on a follower connection; the message was built with the link's
   * stream and seq (link.outgoing.take()), and is kept for resends.
   */
  sendOnLink(link: FollowerLink, message: LeaderStreamMessage): void {
    assert.equal(message.connection, link.connection, 'a link carries its own connection');
    link.outgoing.record(message as unknown as Message & Sequenced);
    this.world.transport.send(link.address, message as unknown as Message);
  }

  isVoter(address: Address): boolean {
    return this.voters.includes(address);
  }

  /** Server ids order votes between equally up-to-date peers. */
  serverId(address: Address): number {
    const index = this.voters.indexOf(address);
    return index >= 0 ? index : this.voters.length + this.observers.indexOf(address);
  }

  /**
   * A peer that heard from an established leader less than an election
   * timeout ago does not accept a newer epoch yet, which keeps that leader's
   * lease sound.
   */
  remainingLoyaltyMs(): number {
    const elapsedMs = this.monotonicMs() - this.lastLeaderContactMs;
    return Math.max(0, this.options.electionTimeoutMs - elapsedMs);
  }

  /** Everything up to zxid is committed: deliver it in order. */
  setCommitted(zxid: number): void {
    const target = Math.min(zxid, this.history.lastZxid);
    if (target <= this.lastCommitted) return;
    this.lastCommitted = target;
    this.deliverThrough(target);
  }

  /**
   * The follower-applies-uncommitted bug (ZOOKEEPER-1549): every logged
   * proposal is delivered at once, committed or not, so one a new leader
   * truncates stays in this replica's state.
   */
  deliverLogged(): void {
    this.deliverThrough(this.history.lastZxid);
  }

  private deliverThrough(target: number): void {
    const history = this.history;
    for (let index = history.indexAfter(this.appliedZxid); ; index++) {
      const entry = history.entryAt(index);
      if (entry === undefined || entry.zxid > target) break;
      assert.ok(entry.zxid > this.appliedZxid, 'delivery follows zxid order');
      this.appliedZxid = entry.zxid;
      this.options.onCommit({ position: entry.zxid, epoch: epochOf(entry.zxid), command: entry.command });
    }
  }

  /** A (buggy) leader made this peer drop committed proposals; delivered ones stay delivered. */
  forgetCommitsAfter(zxid: number): void {
    expectPeersCorrect(this.options, zxid >= this.lastCommitted, `${this.self} told to drop committed proposals after ${zxid}`);
    this.lastCommitted = Math.min(this.lastCommitted, zxid);
  }

  /**
   * Called as a step starts, never inside one, so no step loses entries it
   * is about to send, and what a step commits stays in the log until it ends:
   * every committed entry can be read back (the simulator's consensus
   * invariants read each step's commits from the log).
   */
  compactIfDue(): void {
    if (this.history.logLength < this.compactAfterEntries || this.appliedZxid !== this.lastCommitted) return;
    if (this.history.entriesBetween(this.history.snapshotZxid, this.appliedZxid).length < this.compactAfterEntries) return;
    if (this.history.previousOf(this.appliedZxid) === undefined) return;
    const snapshot = this.options.takeSnapshot();
    assert.equal(snapshot.position, this.appliedZxid, 'the service snapshots exactly what it applied');
    this.history.compactThrough({ position: snapshot.position, epoch: epochOf(snapshot.position), state: snapshot.state });
  }
}
