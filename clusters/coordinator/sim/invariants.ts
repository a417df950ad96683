/**
 * The consensus safety invariants, checked against ConsensusEngine's
 * status() and committedEntries() after every simulation step:
 *
 * - one-leader-per-epoch: at most one node is ever leader in an epoch (term).
 * - epoch-never-decreases: a running engine's epoch only grows.
 * - commit-never-regresses: a running engine's commit position only grows.
 * - committed-log-order: positions in a committed log strictly increase and
 *   epochs along it never decrease.
 * - committed-entries-agree: every node that committed (applied) position p
 *   committed the same entry there, so a committed entry is never changed
 *   (this is log matching on the committed prefix).
 * - committed-entry-lost: no node's committed log skips a position that
 *   another node committed, nor holds one the others skipped.
 * - applied-entries-committed: an entry a replica applied before its engine
 *   committed it is the one the cluster commits at its position
 *   (applied-invariant.ts).
 *
 * Incremental: the checker keeps the cluster's committed sequence once
 * (committed-sequence.ts) and, per node, a cursor into it, so each step costs
 * one status() per node plus the newly committed entries, never a rescan. A
 * restarted node (a new engine object) is followed from the start of its
 * committed log again.
 */
import type { EngineStatus, LogEntry, Position } from '../engine.js';
import type { Address } from '../world.js';
import { InvariantViolation } from '../../../common/invariant-violation.js';
import { PlainDataHasher } from '../../../common/plain-data.js';
import { CommittedSequence } from './committed-sequence.js';
import { APPLIED_INVARIANT, AppliedEntriesCheck } from './applied-invariant.js';

/** The part of ConsensusEngine the invariants read. */
export interface EngineView {
  status(): EngineStatus;
  committedEntries(fromPosition: Position): LogEntry[];
}

export type InvariantName =
  | 'one-leader-per-epoch'
  | 'epoch-never-decreases'
  | 'commit-never-regresses'
  | 'committed-log-order'
  | 'committed-entries-agree'
  | 'committed-entry-lost'
  | typeof APPLIED_INVARIANT;

export { InvariantViolation };

export interface InvariantOptions {
  /**
   * A batch of newly committed entries may start past positions other nodes
   * committed, as when a follower installs a snapshot. Turn off for engines
   * without snapshots to catch such gaps too. Gaps inside a batch always count.
   */
  allowSnapshotJumps?: boolean;
}

interface NodeTrack {
  engine: EngineView;
  epoch: number;
  commitPosition: Position;
  lastEntryPosition: Position;
  lastEntryEpoch: number;
  /** Index into the cluster's committed sequence of this node's last committed entry; -1 before any. */
  cursor: number;
}

export class ConsensusInvariants {
  private readonly leaders = new Map<number, Address>();
  private readonly nodes = new Map<Address, NodeTrack>();
  private readonly sequence = new CommittedSequence();
  private readonly hasher = new PlainDataHasher();
  private readonly applied = new AppliedEntriesCheck(this.sequence, this.hasher);
  private readonly allowSnapshotJumps: boolean;

  constructor(options: InvariantOptions = {}) {
    this.allowSnapshotJumps = options.allowSnapshotJumps ?? true;
  }

  /** Positions some node has committed so far. */
  get committedCount(): number {
    return this.sequence.length;
  }

  /** Checks every engine given (the live ones; crashed nodes are simply left out). */
  check(engines: Iterable<EngineView>): void {
    for (const engine of engines) this.checkEngine(engine);
  }

  /** An observer for Simulation.addObserver. */
  observer(engines: () => Iterable<EngineView>): () => void {
    return () => this.check(engines());
  }

  checkEngine(engine: EngineView): void {
    const status = engine.status();
    const self = status.self;
    let track = this.nodes.get(self);
    if (track === undefined || track.engine !== engine) {
      track = { engine, epoch: status.epoch, commitPosition: -1, lastEntryPosition: -1, lastEntryEpoch: -Infinity, cursor: -1 };
      this.nodes.set(self, track);
    }
    if (status.epoch < track.epoch) this.fail('epoch-never-decreases', self, `epoch went from ${track.epoch} to ${status.epoch}`);
    track.epoch = status.epoch;
    if (status.role === 'leader') this.checkLeader(self, status.epoch);
    if (status.commitPosition < track.commitPosition) {
      this.fail('commit-never-regresses', self, `commit position went from ${track.commitPosition} to ${status.commitPosition}`);
    }
    if (status.commitPosition > track.commitPosition) {
      track.commitPosition = status.commitPosition;
      this.checkNewlyCommitted(self, track);
    }
  }

  /**
   * The entries committed since the node's last report. Asked from its last
   * reported entry on: while the log still holds that entry, the new ones
   * follow it directly in this node's log, so no position between them was
   * committed (a ZAB epoch starts past the zxids the last one left unused).
   * Only when the log was compacted past it may the batch start past a snapshot.
   */
  private checkNewlyCommitted(self: Address, track: NodeTrack): void {
    const last = track.lastEntryPosition;
    const entries = track.engine.committedEntries(last >= 0 ? last : 0);
    const start = entries[0]?.position === last ? 1 : 0;
    for (let index = start; index < entries.length; index++) this.checkEntry(self, track, entries[index] as LogEntry, index === 0);
  }

  /**
   * applied-entries-committed (applied-invariant.ts): the entries a replica
   * applied past its engine's commit position since the last call, held to
   * what the cluster commits. `owner` is the node object, new after a restart.
   */
  checkApplied(self: Address, owner: object, appliedAhead: readonly LogEntry[]): void {
    this.applied.check(self, owner, appliedAhead);
  }

  private checkLeader(self: Address, epoch: number): void {
    const known = this.leaders.get(epoch);
    if (known === undefined) this.leaders.set(epoch, self);
    else if (known !== self) this.fail('one-leader-per-epoch', self, `${self} and ${known} were both leader in epoch ${epoch}`);
  }

  private checkEntry(self: Address, track: NodeTrack, entry: LogEntry, firstInBatch: boolean): void {
    const { position, epoch } = entry;
    if (position <= track.lastEntryPosition) {
      this.fail('committed-log-order', self, `committed position ${position} came after ${track.lastEntryPosition}`);
    }
    if (epoch < track.lastEntryEpoch) {
      this.fail('committed-log-order', self, `position ${position} has epoch ${epoch}, below the ${track.lastEntryEpoch} before it`);
    }
    // Entries after the first of a batch follow the one before directly; so does a first entry at the very
    // next position. Any other first entry may lie past a snapshot the node installed.
    const mayHaveJumped = firstInBatch && this.allowSnapshotJumps && position !== track.lastEntryPosition + 1;
    track.lastEntryPosition = position;
    track.lastEntryEpoch = epoch;
    const fingerprint = this.hasher.hashOf(entry.command);
    const sequence = this.sequence;
    const next = track.cursor + 1;
    if (next < sequence.length && sequence.position(next) === position) return this.agree(self, track, next, entry, fingerprint, !mayHaveJumped);
    if (mayHaveJumped) {
      const index = sequence.search(position);
      if (index >= 0) return this.agree(self, track, index, entry, fingerprint, false);
    } else if (next < sequence.length && sequence.position(next) < position) {
      this.fail('committed-entry-lost', self, `committed ${position} right after ${this.describe(track.cursor)}, skipping ${sequence.position(next)}, which ${sequence.committer(next)} committed`);
    }
    this.addNew(self, track, entry, fingerprint, mayHaveJumped);
  }

  /** A position nobody reported before: at the end, or in a gap a snapshot jump left unverified. */
  private addNew(self: Address, track: NodeTrack, entry: LogEntry, fingerprint: number, mayHaveJumped: boolean): void {
    const sequence = this.sequence;
    const index = mayHaveJumped ? sequence.insertionPoint(entry.position) : track.cursor + 1;
    if (index < sequence.length && !sequence.isGapUnverified(index)) {
      this.fail(
        'committed-entry-lost',
        self,
        `committed ${entry.position}, which the cluster skipped: ${sequence.committer(index)} committed ${sequence.position(index)} right after ${this.describe(index - 1)}`,
      );
    }
    sequence.insert(index, entry.position, entry.epoch, fingerprint, self, mayHaveJumped);
    if (index < sequence.length - 1) for (const other of this.nodes.values()) if (other.cursor >= index) other.cursor++;
    track.cursor = index;
  }

  private agree(self: Address, track: NodeTrack, index: number, entry: LogEntry, fingerprint: number, followsDirectly: boolean): void {
    const sequence = this.sequence;
    if (sequence.epoch(index) !== entry.epoch || sequence.fingerprint(index) !== fingerprint) {
      this.fail(
        'committed-entries-agree',
        self,
        `at position ${entry.position} it committed epoch ${entry.epoch} ${JSON.stringify(entry.command)}, ` +
          `but ${sequence.committer(index)} committed a different entry there (epoch ${sequence.epoch(index)})`,
      );
    }
    if (followsDirectly && track.cursor === index - 1) sequence.markGapVerified(index);
    track.cursor = index;
  }

  private describe(index: number): string {
    return index < 0 ? 'the start of the log' : `${this.sequence.position(index)}`;
  }

  private fail(invariant: InvariantName, node: Address, detail: string): never {
    throw new InvariantViolation(invariant, node, detail);
  }
}
