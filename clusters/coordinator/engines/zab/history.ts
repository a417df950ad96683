/**
 * ZAB's durable state: acceptedEpoch, currentEpoch, the history (logged
 * proposals after the last snapshot), and the snapshot with a summary of the
 * epochs it covers. Nothing is durable until sync(); callers sync before they
 * acknowledge an epoch or a proposal.
 */
import assert from 'node:assert/strict';
import type { Command, Snapshot } from '../../engine.js';
import type { Storage } from '../../world.js';
import { EPOCH_LIMIT, epochOf } from './zxid.js';

export interface ZabEntry {
  zxid: number;
  command: Command;
}

/** The last zxid a history holds in one epoch; a list of these, by epoch, summarizes a history. */
export interface EpochMark {
  epoch: number;
  lastZxid: number;
}

const EPOCHS_KEY = 'zab/epochs';
const SNAPSHOT_KEY = 'zab/snapshot';
const LOG_PREFIX = 'zab/log/';

function logKey(zxid: number): string {
  return LOG_PREFIX + String(zxid).padStart(16, '0');
}

export class ZabHistory {
  acceptedEpoch = 0;
  currentEpoch = 0;
  snapshot: Snapshot | null = null;
  snapshotSummary: EpochMark[] = [];
  private entries: ZabEntry[] = [];

  constructor(private readonly storage: Storage) {}

  load(): void {
    const epochs = this.storage.get(EPOCHS_KEY) as { acceptedEpoch: number; currentEpoch: number } | undefined;
    if (epochs !== undefined) {
      this.acceptedEpoch = epochs.acceptedEpoch;
      this.currentEpoch = epochs.currentEpoch;
    }
    const stored = this.storage.get(SNAPSHOT_KEY) as { snapshot: Snapshot; summary: EpochMark[] } | undefined;
    this.snapshot = stored?.snapshot ?? null;
    this.snapshotSummary = stored?.summary ?? [];
    this.entries = [];
    for (const key of this.storage.keys(LOG_PREFIX)) {
      const entry = this.storage.get(key) as ZabEntry;
      if (!(entry.zxid > this.lastZxid)) assert.fail(`history on disk out of order at ${entry.zxid}`);
      this.entries.push(entry);
    }
    assert.ok(this.currentEpoch <= this.acceptedEpoch, 'currentEpoch never passes acceptedEpoch');
  }

  get snapshotZxid(): number {
    return this.snapshot?.position ?? 0;
  }

  get lastZxid(): number {
    return this.entries[this.entries.length - 1]?.zxid ?? this.snapshotZxid;
  }

  /** How many logged entries the snapshot does not cover. */
  get logLength(): number {
    return this.entries.length;
  }

  /** Entries with afterZxid < zxid <= throughZxid, at most maxCount. */
  entriesBetween(afterZxid: number, throughZxid: number, maxCount = Infinity): ZabEntry[] {
    const result: ZabEntry[] = [];
    for (let index = this.firstIndexAfter(afterZxid); index < this.entries.length; index++) {
      const entry = this.entries[index] as ZabEntry;
      if (entry.zxid > throughZxid || result.length >= maxCount) break;
      result.push(entry);
    }
    return result;
  }

  /** Index (for entryAt) of the first logged entry past zxid; iterating by index allocates nothing. */
  indexAfter(zxid: number): number {
    return this.firstIndexAfter(zxid);
  }

  /** The index-th logged entry after the snapshot; undefined past the end. */
  entryAt(index: number): ZabEntry | undefined {
    return this.entries[index];
  }

  /** The zxid logged just before `zxid`, or the snapshot's; undefined when `zxid` is not logged. */
  previousOf(zxid: number): number | undefined {
    const index = this.firstIndexAfter(zxid - 1);
    if (this.entries[index]?.zxid !== zxid) return undefined;
    return index === 0 ? this.snapshotZxid : (this.entries[index - 1] as ZabEntry).zxid;
  }

  summary(throughZxid = Infinity): EpochMark[] {
    const marks = this.snapshotSummary.map((mark) => ({ ...mark }));
    for (const entry of this.entries) {
      if (entry.zxid > throughZxid) break;
      const epoch = epochOf(entry.zxid);
      const last = marks[marks.length - 1];
      if (last !== undefined && last.epoch === epoch) last.lastZxid = entry.zxid;
      else marks.push({ epoch, lastZxid: entry.zxid });
    }
    return marks;
  }

  setAcceptedEpoch(epoch: number): void {
    if (!(epoch > this.acceptedEpoch)) assert.fail(`acceptedEpoch must grow: ${this.acceptedEpoch} -> ${epoch}`);
    assert.ok(epoch < EPOCH_LIMIT, 'epochs stay below 2^21 so zxids stay exact');
    this.acceptedEpoch = epoch;
    this.saveEpochs();
  }

  setCurrentEpoch(epoch: number): void {
    if (!(epoch >= this.currentEpoch)) assert.fail(`currentEpoch went back: ${this.currentEpoch} -> ${epoch}`);
    assert.ok(epoch <= this.acceptedEpoch, 'currentEpoch never passes acceptedEpoch');
    this.currentEpoch = epoch;
    this.saveEpochs();
  }

  append(entry: ZabEntry): void {
    if (!(entry.zxid > this.lastZxid)) assert.fail(`zxids strictly increase: ${entry.zxid} after ${this.lastZxid}`);
    assert.ok(epochOf(entry.zxid) <= this.acceptedEpoch, 'no proposal from an epoch not yet accepted');
    this.entries.push(entry);
    this.storage.set(logKey(entry.zxid), entry);
  }

  /**
   * The sync-ack-before-durable bug: the entry joins the history in memory
   * but never the log on disk; only a later snapshot that covers it makes it
   * durable, so a crash before one leaves a hole in the history.
   */
  appendInMemoryOnly(entry: ZabEntry): void {
    if (!(entry.zxid > this.lastZxid)) assert.fail(`zxids strictly increase: ${entry.zxid} after ${this.lastZxid}`);
    this.entries.push(entry);
  }

  /** Drops every entry after zxid. */
  truncateAfter(zxid: number): void {
    if (!(zxid >= this.snapshotZxid)) assert.fail(`cannot truncate into the snapshot at ${this.snapshotZxid}`);
    const keep = this.firstIndexAfter(zxid);
    for (const entry of this.entries.slice(keep)) this.storage.delete(logKey(entry.zxid));
    this.entries.length = keep;
  }

  /** Replaces the logged prefix through snapshot.position with the snapshot. */
  compactThrough(snapshot: Snapshot): void {
    assert.ok(snapshot.position > this.snapshotZxid, 'a snapshot moves forward');
    assert.ok(this.previousOf(snapshot.position) !== undefined, 'a local snapshot ends at a logged entry');
    const summary = this.summary(snapshot.position);
    const keep = this.firstIndexAfter(snapshot.position);
    for (const entry of this.entries.slice(0, keep)) this.storage.delete(logKey(entry.zxid));
    this.entries = this.entries.slice(keep);
    this.setSnapshot(snapshot, summary);
  }

  /** A leader's SNAP: the whole local history is replaced. */
  installSnapshot(snapshot: Snapshot, summary: EpochMark[]): void {
    for (const entry of this.entries) this.storage.delete(logKey(entry.zxid));
    this.entries = [];
    this.setSnapshot(snapshot, summary);
  }

  sync(): void {
    this.storage.sync();
  }

  private setSnapshot(snapshot: Snapshot, summary: EpochMark[]): void {
    this.snapshot = snapshot;
    this.snapshotSummary = summary;
    this.storage.set(SNAPSHOT_KEY, { snapshot, summary });
  }

  private saveEpochs(): void {
    this.storage.set(EPOCHS_KEY, { acceptedEpoch: this.acceptedEpoch, currentEpoch: this.currentEpoch });
  }

  private firstIndexAfter(zxid: number): number {
    let low = 0;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.entries[middle] as ZabEntry).zxid <= zxid) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}

/**
 * The last zxid two histories share. Within an epoch every history holds a
 * prefix of what that epoch's one leader proposed, so walking the epoch
 * summaries in order finds where they part.
 */
export function commonPoint(left: EpochMark[], right: EpochMark[]): number {
  let common = 0;
  for (let index = 0; index < left.length && index < right.length; index++) {
    const leftMark = left[index] as EpochMark;
    const rightMark = right[index] as EpochMark;
    if (leftMark.epoch !== rightMark.epoch) break;
    common = Math.min(leftMark.lastZxid, rightMark.lastZxid);
    if (leftMark.lastZxid !== rightMark.lastZxid) break;
  }
  return common;
}
