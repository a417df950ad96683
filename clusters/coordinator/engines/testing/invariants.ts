/**
 * The engine-level checks the engines' test cluster runs after every step,
 * beside the simulator's ConsensusInvariants (one leader per epoch, epochs
 * and commits never going back, committed entries agreeing and never lost):
 * a new leader holds every committed entry, logs match on uncommitted
 * entries too, replicas that applied a position hold the same state and
 * install snapshots that agree with it, read barriers cover every earlier
 * commit, and at most one lease is valid, on the newest leader. It also
 * keeps what was committed, for the tests to read.
 */
import type { EngineStatus, LogEntry, Position, Snapshot } from '../../engine.js';
import type { Address } from '../../world.js';
import type { InspectableEngine } from '../shared/options.js';
import { InvariantViolation } from '../../../../common/invariant-violation.js';
import { type DigestState, commandId } from './service.js';

export { InvariantViolation };

interface Identity {
  id: string;
  previous: string | null;
}

/** What the checker remembers of one incarnation of one node. */
export interface NodeRecord {
  address: Address;
  engine: InspectableEngine;
  commitPosition: Position;
  checkedCommitted: Position;
  logSignature: string;
  leaderEpoch: number | null;
}

export class InvariantChecker {
  readonly leaderByEpoch = new Map<number, Address>();
  readonly committed = new Map<Position, { epoch: number; id: string }>();
  private readonly digestAt = new Map<Position, number>();
  private readonly identities = new Map<string, Identity>();
  maxCommitted: Position = 0;
  highestLeaderEpoch = 0;
  checks = 0;

  fail(invariant: string, node: Address, detail: string): never {
    throw new InvariantViolation(invariant, node, detail);
  }

  newRecord(address: Address, engine: InspectableEngine): NodeRecord {
    return { address, engine, commitPosition: 0, checkedCommitted: 0, logSignature: '', leaderEpoch: null };
  }

  checkNode(record: NodeRecord): void {
    this.checks += 1;
    const status = record.engine.status();
    this.checkLeadership(record, status);
    record.commitPosition = status.commitPosition;
    this.checkCommitted(record);
    this.checkLogMatching(record, status);
  }

  private checkLeadership(record: NodeRecord, status: EngineStatus): void {
    if (status.role !== 'leader') {
      record.leaderEpoch = null;
      return;
    }
    // Two leaders of one epoch are ConsensusInvariants' to find (one-leader-per-epoch).
    this.leaderByEpoch.set(status.epoch, record.address);
    this.highestLeaderEpoch = Math.max(this.highestLeaderEpoch, status.epoch);
    if (record.leaderEpoch !== status.epoch) {
      record.leaderEpoch = status.epoch;
      this.checkLeaderCompleteness(record);
    }
  }

  /** A new leader holds every entry committed so far (those its snapshot does not cover). */
  private checkLeaderCompleteness(record: NodeRecord): void {
    const log = record.engine.logEntries(0);
    const first = log[0]?.position ?? record.engine.status().lastPosition + 1;
    const byPosition = new Map(log.map((entry) => [entry.position, entry]));
    for (const [position, expected] of this.committed) {
      if (position < first) continue;
      const entry = byPosition.get(position);
      if (entry === undefined || entry.epoch !== expected.epoch || commandId(entry) !== expected.id) {
        this.fail('leader-completeness', record.address, `the new leader lacks committed entry ${position} (${expected.id}); committed entry lost`);
      }
    }
  }

  private checkCommitted(record: NodeRecord): void {
    if (record.commitPosition <= record.checkedCommitted) return;
    for (const entry of record.engine.committedEntries(record.checkedCommitted + 1)) {
      this.recordCommitted(entry);
    }
    record.checkedCommitted = record.commitPosition;
  }

  /** Keeps the first entry committed at each position; one that differs later is ConsensusInvariants' to find (committed-entries-agree). */
  recordCommitted(entry: LogEntry): void {
    if (this.committed.has(entry.position)) return;
    this.committed.set(entry.position, { epoch: entry.epoch, id: commandId(entry) });
    this.maxCommitted = Math.max(this.maxCommitted, entry.position);
  }

  private checkLogMatching(record: NodeRecord, status: EngineStatus): void {
    const last = record.engine.logEntries(status.lastPosition)[0];
    const signature = `${status.lastPosition}:${last?.epoch ?? ''}:${status.commitPosition}`;
    if (signature === record.logSignature) return;
    record.logSignature = signature;
    let previous: string | null = null;
    for (const entry of record.engine.logEntries(0)) {
      const key = `${entry.position}:${entry.epoch}`;
      const identity: Identity = { id: commandId(entry), previous };
      const known = this.identities.get(key);
      if (known === undefined) {
        this.identities.set(key, identity);
      } else if (known.id !== identity.id || (known.previous !== null && previous !== null && known.previous !== previous)) {
        this.fail('log-matching', record.address, `at ${key}: ${known.id} after ${known.previous} vs ${identity.id} after ${previous}`);
      }
      previous = key;
    }
  }

  /** Every replica that applied a position holds the same state after it. */
  onApplied(address: Address, entry: LogEntry, digest: number): void {
    const known = this.digestAt.get(entry.position);
    if (known === undefined) this.digestAt.set(entry.position, digest);
    else if (known !== digest) this.fail('applied-state-agrees', address, `it applied a different history up to ${entry.position}`);
    this.recordCommitted(entry);
  }

  onInstalled(address: Address, snapshot: Snapshot): void {
    const known = this.digestAt.get(snapshot.position);
    const digest = (snapshot.state as DigestState).digest;
    if (known !== undefined && known !== digest) this.fail('snapshot-agrees', address, `it installed a snapshot unlike history at ${snapshot.position}`);
  }

  digestOf(position: Position): number | undefined {
    return this.digestAt.get(position);
  }

  /** A read barrier must answer a position at or after every commit that preceded the call. */
  checkReadBarrier(address: Address, committedBeforeCall: Position, answered: Position): void {
    if (answered < committedBeforeCall) {
      this.fail('read-barrier-covers-commits', address, `a read barrier answered ${answered} though ${committedBeforeCall} was committed before the call`);
    }
  }

  /** At most one valid lease at a time, and only on the newest leader. */
  checkLeases(holders: Array<{ address: Address; epoch: number }>): void {
    if (holders.length > 1) this.fail('one-lease', holders[1]!.address, `leases valid at once on ${holders.map((holder) => holder.address).join(', ')}`);
    const holder = holders[0];
    if (holder !== undefined && holder.epoch < this.highestLeaderEpoch) {
      this.fail('lease-on-newest-leader', holder.address, `it holds a lease in epoch ${holder.epoch} though epoch ${this.highestLeaderEpoch} has a leader`);
    }
  }
}
