/**
 * The seam between the coordination service and a consensus engine (ZAB or
 * Raft). The service hands opaque commands to the engine and applies them, in
 * commit order, when the engine calls onCommit. Both engines implement this
 * interface and pass the same conformance suite.
 */
import type { Address, Message, World } from './world.js';

export type EngineKind = 'zab' | 'raft';

export type Role = 'leader' | 'follower' | 'candidate' | 'observer' | 'looking' | 'stopped';

/** A committed position: Raft's log index, ZAB's zxid (epoch << 32 | counter) as a number. */
export type Position = number;

/** A command the service replicates; plain JSON data. */
export interface Command {
  kind: string;
  [field: string]: unknown;
}

export interface EngineStatus {
  self: Address;
  role: Role;
  /** ZAB's epoch or Raft's term. */
  epoch: number;
  leader: Address | null;
  /** Highest position known committed. */
  commitPosition: Position;
  /** Highest position in the local log. */
  lastPosition: Position;
}

/** One entry of a node's log, for the simulator's invariant checks. */
export interface LogEntry {
  position: Position;
  epoch: number;
  command: Command;
}

export interface Snapshot {
  position: Position;
  epoch: number;
  state: unknown;
}

export type ReadBarrierResult =
  | { ok: true; position: Position }
  | { ok: false; reason: string };

export interface EngineOptions {
  world: World;
  /** Every voting member, including this node. */
  members: Address[];
  /** Non-voting members (ZAB observers). */
  observers?: Address[];
  /** Called once per committed entry, in order, on every node. */
  onCommit(entry: LogEntry): void;
  /** The service's state after every applied entry, for SNAP sync and log compaction. */
  takeSnapshot(): Snapshot;
  /** Replaces the service's state; later commits continue after snapshot.position. */
  installSnapshot(snapshot: Snapshot): void;
  /** Named deliberate bugs switched on (see clusters/coordinator/bugs.ts). */
  bugs: ReadonlySet<string>;
  /** Timing, in milliseconds of the node's own clock. */
  electionTimeoutMs: number;
  heartbeatIntervalMs: number;
  /** How long a leader lease lasts, and the clock drift it tolerates. */
  leaseMs: number;
  maxClockDriftMs: number;
}

export interface ConsensusEngine {
  /** Recovers durable state from world.storage and starts timers. */
  start(): void;
  /** Stops timers; the object is dead afterwards. */
  stop(): void;
  /** A peer's engine message (messages of type starting with "zab." or "raft."). */
  receive(from: Address, message: Message): void;
  /** Leader only: appends the command; null when this node is not the leader. */
  propose(command: Command): Position | null;
  /**
   * For a linearizable read: calls back once a quorum confirmed this node was
   * still leader after the call, with the position the read must wait for.
   */
  readBarrier(callback: (result: ReadBarrierResult) => void): void;
  /** True while this leader holds a lease that covers the configured clock drift. */
  leaseValid(): boolean;
  status(): EngineStatus;
  /** The committed prefix of the local log, for invariant checks. */
  committedEntries(fromPosition: Position): LogEntry[];
}
