/**
 * Safety invariants checked after every step of a test cluster: at most one
 * leader per epoch or term, log matching, committed entries never lost or
 * changed, the same entry applied at the same position everywhere, read
 * barriers that cover every earlier commit, and at most one valid lease.
 */
import type { EngineStatus, LogEntry, Position, Snapshot } from '../../engine.js';
import type { Address } from '../../world.js';
import type { InspectableEngine } from '../shared/options.js';
import { type DigestState, commandId } from './service.js';

export class InvariantViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvariantViolation';
  }
}

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

  fail(message: string): never {
    throw new InvariantViolation(message);
  }

  newRecord(address: Address, engine: InspectableEngine): NodeRecord {
    return { address, engine, commitPosition: 0, checkedCommitted: 0, logSignature: '', leaderEpoch: null };
  }

  checkNode(record: NodeRecord): void {
    this.checks += 1;
    const status = record.engine.status();
    this.checkLeadership(record, status);
    if (status.commitPosition < record.commitPosition) {
      this.fail(`${record.address} commit position went back from ${record.commitPosition} to ${status.commitPosition}`);
    }
    record.commitPosition = status.commitPosition;
    this.checkCommitted(record);
    this.checkLogMatching(record, status);
  }

  private checkLeadership(record: NodeRecord, status: EngineStatus): void {
    if (status.role !== 'leader') {
      record.leaderEpoch = null;
      return;
    }
    const existing = this.leaderByEpoch.get(status.epoch);
    if (existing !== undefined && existing !== record.address) {
      this.fail(`two leaders in epoch ${status.epoch}: ${existing} and ${record.address}`);
    }
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
        this.fail(`leader ${record.address} lacks committed entry ${position} (${expected.id}); committed entry lost`);
      }
    }
  }

  private checkCommitted(record: NodeRecord): void {
    if (record.commitPosition <= record.checkedCommitted) return;
    for (const entry of record.engine.committedEntries(record.checkedCommitted + 1)) {
      this.recordCommitted(record.address, entry);
    }
    record.checkedCommitted = record.commitPosition;
  }

  recordCommitted(address: Address, entry: LogEntry): void {
    const id = commandId(entry);
    const known = this.committed.get(entry.position);
    if (known === undefined) {
      this.committed.set(entry.position, { epoch: entry.epoch, id });
      this.maxCommitted = Math.max(this.maxCommitted, entry.position);
    } else if (known.epoch !== entry.epoch || known.id !== id) {
      this.fail(`committed entry ${entry.position} changed: ${known.id}@${known.epoch} vs ${id}@${entry.epoch} on ${address}`);
    }
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
        this.fail(`log matching broken at ${key} on ${record.address}: ${known.id} after ${known.previous} vs ${identity.id} after ${previous}`);
      }
      previous = key;
    }
  }

  /** Every replica that applied a position holds the same state after it. */
  onApplied(address: Address, entry: LogEntry, digest: number): void {
    const known = this.digestAt.get(entry.position);
    if (known === undefined) this.digestAt.set(entry.position, digest);
    else if (known !== digest) this.fail(`${address} applied a different history up to ${entry.position}`);
    this.recordCommitted(address, entry);
  }

  onInstalled(address: Address, snapshot: Snapshot): void {
    const known = this.digestAt.get(snapshot.position);
    const digest = (snapshot.state as DigestState).digest;
    if (known !== undefined && known !== digest) this.fail(`${address} installed a snapshot unlike history at ${snapshot.position}`);
  }

  digestOf(position: Position): number | undefined {
    return this.digestAt.get(position);
  }

  /** A read barrier must answer a position at or after every commit that preceded the call. */
  checkReadBarrier(address: Address, committedBeforeCall: Position, answered: Position): void {
    if (answered < committedBeforeCall) {
      this.fail(`read barrier on ${address} answered ${answered} though ${committedBeforeCall} was committed before the call`);
    }
  }

  /** At most one valid lease at a time, and only on the newest leader. */
  checkLeases(holders: Array<{ address: Address; epoch: number }>): void {
    if (holders.length > 1) this.fail(`leases valid at once on ${holders.map((holder) => holder.address).join(', ')}`);
    const holder = holders[0];
    if (holder !== undefined && holder.epoch < this.highestLeaderEpoch) {
      this.fail(`${holder.address} holds a lease in epoch ${holder.epoch} though epoch ${this.highestLeaderEpoch} has a leader`);
    }
  }
}
