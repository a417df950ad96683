/**
 * The cluster's committed sequence as the invariant checker has seen it: each
 * committed position once, in order, with its epoch, a hash of its command,
 * and the node that first reported it. Parallel arrays, since a long run
 * commits millions of entries.
 *
 * A node that installs a snapshot reports its committed log from past the
 * snapshot, so the sequence may have gaps nobody has vouched for yet: the
 * flag `gapUnverified[i]` says that positions strictly between entry i-1 and
 * entry i might still be filled in by another node. It is cleared once some
 * node reports entries i-1 and i back to back.
 */
import type { Position } from '../engine.js';
import type { Address } from '../world.js';

export class CommittedSequence {
  private readonly positions: Position[] = [];
  private readonly epochs: number[] = [];
  private readonly fingerprints: number[] = [];
  private readonly committers: Address[] = [];
  private readonly gapUnverified: boolean[] = [];

  get length(): number {
    return this.positions.length;
  }

  position(index: number): Position {
    return this.positions[index] as Position;
  }

  epoch(index: number): number {
    return this.epochs[index] as number;
  }

  fingerprint(index: number): number {
    return this.fingerprints[index] as number;
  }

  committer(index: number): Address {
    return this.committers[index] as Address;
  }

  isGapUnverified(index: number): boolean {
    return this.gapUnverified[index] === true;
  }

  markGapVerified(index: number): void {
    this.gapUnverified[index] = false;
  }

  /** Index of the entry at `position`, or -1. */
  search(position: Position): number {
    const index = this.insertionPoint(position) - 1;
    return index >= 0 && this.positions[index] === position ? index : -1;
  }

  /** Index of the first entry past `position`. */
  insertionPoint(position: Position): number {
    let low = 0;
    let high = this.positions.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.positions[middle] as Position) <= position) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  insert(index: number, position: Position, epoch: number, fingerprint: number, committer: Address, gapUnverified: boolean): void {
    if (index === this.positions.length) {
      this.positions.push(position);
      this.epochs.push(epoch);
      this.fingerprints.push(fingerprint);
      this.committers.push(committer);
      this.gapUnverified.push(gapUnverified);
      return;
    }
    // Only where a snapshot left a gap: rare, so the O(n) splice is fine.
    this.positions.splice(index, 0, position);
    this.epochs.splice(index, 0, epoch);
    this.fingerprints.splice(index, 0, fingerprint);
    this.committers.splice(index, 0, committer);
    this.gapUnverified.splice(index, 0, gapUnverified);
  }
}
