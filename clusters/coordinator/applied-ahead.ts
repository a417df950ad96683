/**
 * Entries a replica applied to its state machine past its engine's own commit
 * position. A correct engine applies only what it committed, so this stays
 * empty; an engine that applies a proposal before it commits
 * (ZOOKEEPER-1549) leaves them here for the simulator's step check
 * (sim/applied-invariant.ts), which holds each against what the cluster
 * commits at its position. Nobody drains it in a real process, so it keeps
 * only the newest entries.
 */
import type { LogEntry } from './engine.js';

/** Entries kept between drains: the simulator drains after every step, so only a real process reaches it. */
export const MAX_APPLIED_AHEAD_ENTRIES = 1024;

export class AppliedAheadLog {
  private entries: LogEntry[] = [];

  /** Notes an entry as it is applied, when it lies past the engine's commit position. */
  record(entry: LogEntry, commitPosition: number): void {
    if (entry.position <= commitPosition) return;
    if (this.entries.length >= MAX_APPLIED_AHEAD_ENTRIES) this.entries.shift();
    this.entries.push(entry);
  }

  /** The entries noted since the last drain, oldest first. */
  drain(): LogEntry[] {
    if (this.entries.length === 0) return [];
    const drained = this.entries;
    this.entries = [];
    return drained;
  }
}
