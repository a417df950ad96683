/**
 * applied-entries-committed, the state machine's side of State Machine
 * Safety: every entry a replica applies is the entry the cluster commits at
 * that position. The consensus invariants (invariants.ts) hold the engines'
 * committed logs to one sequence; a replica that applies a proposal before
 * it commits (ZOOKEEPER-1549) keeps a correct committed log while its state
 * holds a write the cluster may drop. Each such entry waits here until the
 * cluster's committed sequence decides its position: the same entry there
 * settles it; another entry there, or a committed successor with no gap
 * left that could hold it, breaks the invariant at that step, whether or not
 * a client ever reads the difference.
 *
 * A correct engine never applies past its own commit position, so nothing
 * waits and each step costs one empty drain per node.
 */
import assert from 'node:assert/strict';
import type { LogEntry, Position } from '../engine.js';
import type { Address } from '../world.js';
import { InvariantViolation } from '../../../common/invariant-violation.js';
import type { PlainDataHasher } from '../../../common/plain-data.js';
import type { CommittedSequence } from './committed-sequence.js';

export const APPLIED_INVARIANT = 'applied-entries-committed';

/** Entries waiting for the cluster to commit their positions; past it the oldest are let go unjudged, never held without bound. */
export const MAX_WAITING_APPLIED_ENTRIES = 65_536;

interface Waiting {
  position: Position;
  epoch: number;
  fingerprint: number;
  command: unknown;
}

interface ReplicaWaiting {
  /** The node object that applied them: a restarted node rebuilt its state, and what it applied before is gone with it. */
  owner: object;
  entries: Waiting[];
}

export class AppliedEntriesCheck {
  private readonly replicas = new Map<Address, ReplicaWaiting>();
  private waitingCount = 0;

  constructor(
    private readonly sequence: CommittedSequence,
    private readonly hasher: PlainDataHasher,
  ) {}

  /** Notes what a replica applied ahead of its commit, then judges every waiting entry the cluster's sequence now decides. */
  check(self: Address, owner: object, applied: readonly LogEntry[]): void {
    let replica = this.replicas.get(self);
    if (replica !== undefined && replica.owner !== owner) {
      this.waitingCount -= replica.entries.length;
      this.replicas.delete(self);
      replica = undefined;
    }
    if (replica === undefined && applied.length > 0) {
      replica = { owner, entries: [] };
      this.replicas.set(self, replica);
    }
    for (const entry of applied) this.wait(replica as ReplicaWaiting, entry);
    assert.ok(this.waitingCount >= 0, 'entries waiting are counted once');
    if (this.waitingCount === 0) return;
    for (const [address, waiting] of this.replicas) this.judge(address, waiting);
  }

  private wait(replica: ReplicaWaiting, entry: LogEntry): void {
    if (this.waitingCount >= MAX_WAITING_APPLIED_ENTRIES) this.letGoOldest();
    replica.entries.push({ position: entry.position, epoch: entry.epoch, fingerprint: this.hasher.hashOf(entry.command), command: entry.command });
    this.waitingCount++;
  }

  private letGoOldest(): void {
    const fullest = [...this.replicas.values()].reduce((most, replica) => (replica.entries.length > most.entries.length ? replica : most));
    fullest.entries.shift();
    this.waitingCount--;
  }

  private judge(self: Address, replica: ReplicaWaiting): void {
    const undecided = replica.entries.filter((entry) => !this.decided(self, entry));
    this.waitingCount -= replica.entries.length - undecided.length;
    replica.entries = undecided;
  }

  /** True once the cluster committed this entry at its position; throws once it committed something else there or skipped it. */
  private decided(self: Address, entry: Waiting): boolean {
    const sequence = this.sequence;
    const index = sequence.search(entry.position);
    if (index >= 0) {
      if (sequence.epoch(index) === entry.epoch && sequence.fingerprint(index) === entry.fingerprint) return true;
      this.fail(self, entry, `but ${sequence.committer(index)} committed a different entry there (epoch ${sequence.epoch(index)})`);
    }
    const next = sequence.insertionPoint(entry.position);
    if (next >= sequence.length || sequence.isGapUnverified(next)) return false;
    const before = next === 0 ? 'the start of the log' : `${sequence.position(next - 1)}`;
    this.fail(self, entry, `but the cluster skipped it: ${sequence.committer(next)} committed ${sequence.position(next)} right after ${before}`);
  }

  private fail(self: Address, entry: Waiting, outcome: string): never {
    throw new InvariantViolation(
      APPLIED_INVARIANT,
      self,
      `it applied epoch ${entry.epoch} ${JSON.stringify(entry.command)} at position ${entry.position} before it was committed, ${outcome}, so its state holds a write the others do not`,
    );
  }
}
