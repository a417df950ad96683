/**
 * The set of (linearized operations, model state) pairs already explored.
 * The linearized set is a bitset whose hash is kept incrementally with
 * Zobrist keys, so adding or removing an operation costs O(1); the bitset is
 * copied only when a pair is stored.
 */
import { SeededRandom } from '../../common/random.js';

interface Stored<State> {
  bits: Uint32Array;
  state: State;
  next: Stored<State> | null;
}

/** Approximate bytes per stored pair beyond its bitset words (objects, map slot). */
const OVERHEAD_BYTES = 160;

export class LinearizedSet {
  readonly bits: Uint32Array;
  private readonly zobristLow: Int32Array;
  private readonly zobristHigh: Int32Array;
  hashLow = 0;
  hashHigh = 0;

  constructor(operationCount: number) {
    this.bits = new Uint32Array(Math.max(1, Math.ceil(operationCount / 32)));
    this.zobristLow = new Int32Array(operationCount);
    this.zobristHigh = new Int32Array(operationCount);
    const random = new SeededRandom(operationCount + 0x5eed);
    for (let index = 0; index < operationCount; index++) {
      this.zobristLow[index] = random.nextUint32() | 0;
      this.zobristHigh[index] = random.nextUint32() | 0;
    }
  }

  has(operation: number): boolean {
    return (this.bits[operation >>> 5]! & (1 << (operation & 31))) !== 0;
  }

  /** Flips membership of an operation (add when absent, remove when present). */
  toggle(operation: number): void {
    this.bits[operation >>> 5]! ^= 1 << (operation & 31);
    this.hashLow ^= this.zobristLow[operation]!;
    this.hashHigh ^= this.zobristHigh[operation]!;
  }
}

export class ExploredCache<State> {
  private readonly table = new Map<number, Stored<State>>();
  private readonly wordBytes: number;
  size = 0;
  bytes = 0;

  constructor(
    private readonly equal: (left: State, right: State) => boolean,
    private readonly hash: ((state: State) => number) | undefined,
    words: number,
  ) {
    this.wordBytes = words * 4;
  }

  /** Stores the pair and returns true, or returns false when it was already there. */
  add(set: LinearizedSet, state: State): boolean {
    const stateHash = this.hash === undefined ? 0 : this.hash(state);
    // 53 bits of key: 32 from the low Zobrist word mixed with the state, 21 more.
    const low = (set.hashLow ^ stateHash) >>> 0;
    const key = (set.hashHigh & 0x1fffff) * 0x100000000 + low;
    const first = this.table.get(key);
    for (let stored: Stored<State> | null = first ?? null; stored !== null; stored = stored.next) {
      if (sameBits(stored.bits, set.bits) && this.equal(stored.state, state)) return false;
    }
    this.table.set(key, { bits: set.bits.slice(), state, next: first ?? null });
    this.size++;
    this.bytes += OVERHEAD_BYTES + this.wordBytes;
    return true;
  }
}

function sameBits(left: Uint32Array, right: Uint32Array): boolean {
  for (let index = 0; index < left.length; index++) if (left[index] !== right[index]) return false;
  return true;
}
