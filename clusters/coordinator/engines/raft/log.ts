/**
 * Raft's durable state: current term, vote, the log after the last snapshot,
 * and the snapshot itself, mirrored in memory and written through Storage.
 * Nothing here is durable until sync(); callers sync before they answer a
 * vote or acknowledge entries, so a crash can only lose what nobody relied on.
 */
import assert from 'node:assert/strict';
import type { Command, Snapshot } from '../../engine.js';
import type { Address, Storage } from '../../world.js';

export interface RaftEntry {
  index: number;
  term: number;
  command: Command;
}

const HARD_STATE_KEY = 'raft/hard-state';
const SNAPSHOT_KEY = 'raft/snapshot';
const LOG_PREFIX = 'raft/log/';

function logKey(index: number): string {
  return LOG_PREFIX + String(index).padStart(16, '0');
}

export class RaftLog {
  term = 0;
  votedFor: Address | null = null;
  snapshot: Snapshot | null = null;
  private entries: RaftEntry[] = [];

  constructor(private readonly storage: Storage) {}

  load(): void {
    const hardState = this.storage.get(HARD_STATE_KEY) as { term: number; votedFor: Address | null } | undefined;
    if (hardState !== undefined) {
      this.term = hardState.term;
      this.votedFor = hardState.votedFor;
    }
    this.snapshot = (this.storage.get(SNAPSHOT_KEY) as Snapshot | undefined) ?? null;
    this.entries = [];
    for (const key of this.storage.keys(LOG_PREFIX)) {
      const entry = this.storage.get(key) as RaftEntry;
      assert.equal(entry.index, this.lastIndex + 1, `log on disk has a gap before ${entry.index}`);
      if (!(entry.term >= this.lastTerm)) assert.fail(`log on disk has term ${entry.term} after ${this.lastTerm}`);
      if (!(entry.term <= this.term)) assert.fail(`log on disk has term ${entry.term} above the current term ${this.term}`);
      this.entries.push(entry);
    }
  }

  get snapshotIndex(): number {
    return this.snapshot?.position ?? 0;
  }

  get snapshotTerm(): number {
    return this.snapshot?.epoch ?? 0;
  }

  get lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  get lastTerm(): number {
    const last = this.entries[this.entries.length - 1];
    return last === undefined ? this.snapshotTerm : last.term;
  }

  /** The term of the entry at index; undefined when it is past the end or compacted away. */
  termAt(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    return this.entryAt(index)?.term;
  }

  entryAt(index: number): RaftEntry | undefined {
    if (index <= this.snapshotIndex || index > this.lastIndex) return undefined;
    const entry = this.entries[index - this.snapshotIndex - 1] as RaftEntry;
    assert.equal(entry.index, index);
    return entry;
  }

  /** Entries from fromIndex (at least snapshotIndex + 1) on, at most maxCount of them. */
  slice(fromIndex: number, maxCount: number): RaftEntry[] {
    const start = Math.max(fromIndex, this.snapshotIndex + 1) - this.snapshotIndex - 1;
    return this.entries.slice(start, start + maxCount);
  }

  /** The first index of the run of entries with the same term as the entry at index. */
  firstIndexOfTerm(index: number): number {
    const term = this.termAt(index);
    if (term === undefined) assert.fail(`no entry at ${index}`);
    let first = index;
    while (first - 1 > this.snapshotIndex && this.termAt(first - 1) === term) first -= 1;
    return first;
  }

  saveHardState(term: number, votedFor: Address | null): void {
    if (!(term >= this.term)) assert.fail(`term went back from ${this.term} to ${term}`);
    if (term === this.term && this.votedFor !== null) {
      assert.equal(votedFor, this.votedFor, `vote changed within term ${term}`);
    }
    this.term = term;
    this.votedFor = votedFor;
    this.storage.set(HARD_STATE_KEY, { term, votedFor });
  }

  append(entry: RaftEntry): void {
    assert.equal(entry.index, this.lastIndex + 1, 'appends extend the log by one');
    if (!(entry.term >= this.lastTerm)) assert.fail(`term ${entry.term} appended after ${this.lastTerm}`);
    if (!(entry.term <= this.term)) assert.fail(`entry of term ${entry.term} while in term ${this.term}`);
    this.entries.push(entry);
    this.storage.set(logKey(entry.index), entry);
  }

  /**
   * The sync-ack-before-durable bug: the entry joins the log in memory but
   * never on disk; only a later snapshot that covers it makes it durable, so
   * a crash before one leaves a gap in the log on disk.
   */
  appendInMemoryOnly(entry: RaftEntry): void {
    assert.equal(entry.index, this.lastIndex + 1, 'appends extend the log by one');
    this.entries.push(entry);
  }

  /** Drops the entries at fromIndex and after. */
  truncateFrom(fromIndex: number): void {
    if (!(fromIndex > this.snapshotIndex)) assert.fail(`cannot truncate into the snapshot at ${this.snapshotIndex}`);
    for (let index = fromIndex; index <= this.lastIndex; index++) this.storage.delete(logKey(index));
    this.entries.length = Math.max(0, fromIndex - this.snapshotIndex - 1);
  }

  /** Replaces the log prefix up to snapshot.position with the snapshot; the suffix stays. */
  compactThrough(snapshot: Snapshot): void {
    assert.ok(snapshot.position > this.snapshotIndex, 'a snapshot moves forward');
    assert.ok(snapshot.position <= this.lastIndex, 'a local snapshot covers only local entries');
    assert.equal(this.termAt(snapshot.position), snapshot.epoch, 'snapshot term matches its entry');
    for (let index = this.snapshotIndex + 1; index <= snapshot.position; index++) this.storage.delete(logKey(index));
    this.entries = this.entries.slice(snapshot.position - this.snapshotIndex);
    this.setSnapshot(snapshot);
  }

  /** Installs a leader's snapshot, keeping the local suffix only if it continues the snapshot. */
  installSnapshot(snapshot: Snapshot): void {
    if (this.termAt(snapshot.position) === snapshot.epoch && snapshot.position > this.snapshotIndex) {
      this.compactThrough(snapshot);
      return;
    }
    for (let index = this.snapshotIndex + 1; index <= this.lastIndex; index++) this.storage.delete(logKey(index));
    this.entries = [];
    this.setSnapshot(snapshot);
  }

  sync(): void {
    this.storage.sync();
  }

  private setSnapshot(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.storage.set(SNAPSHOT_KEY, snapshot);
  }
}
