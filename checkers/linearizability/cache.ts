/**
 * The set of (linearized operations, model state) pairs already explored.
 * The linearized set is a bitset whose hash is kept incrementally with
 * Zobrist keys, so adding or removing an operation costs O(1).
 *
 * Operations with a known output get the low bits in call order and info
 * operations the high bits. Known operations are linearized roughly in order,
 * so their bits are all ones up to a low-water mark and all zeros past a
 * high-water mark; a stored set keeps only the words between the marks plus
 * the info words. That keeps the cache small on long single-key histories.
 */
import { SeededRandom } from '../../common/random.js';

const FULL_WORD = 0xffffffff;

/**
 * Random keys of operation indexes, shared by every set (of every part): a
 * history of a thousand keys draws them once, not once per key. Grown by
 * doubling; the same seed, so the same keys in every run.
 */
let sharedZobrist = { low: new Int32Array(0), high: new Int32Array(0) };

function zobristKeys(count: number): { low: Int32Array; high: Int32Array } {
  if (sharedZobrist.low.length >= count) return sharedZobrist;
  const size = Math.max(count, 2 * sharedZobrist.low.length, 1024);
  const low = new Int32Array(size);
  const high = new Int32Array(size);
  const random = new SeededRandom(0x5eed);
  for (let index = 0; index < size; index++) {
    low[index] = random.nextUint32() | 0;
    high[index] = random.nextUint32() | 0;
  }
  sharedZobrist = { low, high };
  return sharedZobrist;
}

export class LinearizedSet {
  readonly bits: Uint32Array;
  private readonly bitOf: Int32Array;
  private readonly knownWords: number;
  private readonly zobristLow: Int32Array;
  private readonly zobristHigh: Int32Array;
  /** First known word that is not all ones. */
  private low = 0;
  /** One past the last known word that is not zero. */
  private high = 0;
  hashLow = 0;
  hashHigh = 0;

  /** known[i] is 1 for operations with a known output. */
  constructor(known: Uint8Array) {
    const count = known.length;
    this.bitOf = new Int32Array(count);
    let knownCount = 0;
    for (let index = 0; index < count; index++) if (known[index] === 1) this.bitOf[index] = knownCount++;
    this.knownWords = Math.ceil(knownCount / 32);
    let infoBit = this.knownWords * 32;
    for (let index = 0; index < count; index++) if (known[index] === 0) this.bitOf[index] = infoBit++;
    this.bits = new Uint32Array(Math.max(1, Math.ceil(infoBit / 32)));
    const keys = zobristKeys(count);
    this.zobristLow = keys.low;
    this.zobristHigh = keys.high;
  }

  has(operation: number): boolean {
    const bit = this.bitOf[operation]!;
    return (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /** Flips membership of an operation (add when absent, remove when present). */
  toggle(operation: number): void {
    const bit = this.bitOf[operation]!;
    const word = bit >>> 5;
    const bits = this.bits;
    bits[word]! ^= 1 << (bit & 31);
    this.hashLow ^= this.zobristLow[operation]!;
    this.hashHigh ^= this.zobristHigh[operation]!;
    if (word >= this.knownWords) return;
    if (bits[word] === FULL_WORD) {
      while (this.low < this.knownWords && bits[this.low] === FULL_WORD) this.low++;
    } else if (word < this.low) {
      this.low = word;
    }
    if (bits[word] !== 0) {
      if (word >= this.high) this.high = word + 1;
    } else {
      while (this.high > 0 && bits[this.high - 1] === 0) this.high--;
    }
  }

  /** Words a snapshot takes: [low mark, words between the marks, info words]. */
  snapshotLength(): number {
    return 1 + (Math.max(this.high, this.low) - this.low) + (this.bits.length - this.knownWords);
  }

  /** Writes a compact copy at the offset of the arena; snapshotLength() words. */
  snapshotInto(arena: Uint32Array, offset: number): void {
    const end = Math.max(this.high, this.low);
    arena[offset] = this.low;
    arena.set(this.bits.subarray(this.low, end), offset + 1);
    arena.set(this.bits.subarray(this.knownWords), offset + 1 + end - this.low);
  }

  /** Whether a snapshot written earlier at the offset holds the same set as now. */
  matches(arena: Uint32Array, offset: number, length: number): boolean {
    const end = Math.max(this.high, this.low);
    if (arena[offset] !== this.low || length !== this.snapshotLength()) return false;
    const bits = this.bits;
    let position = offset + 1;
    for (let word = this.low; word < end; word++) if (arena[position++] !== bits[word]) return false;
    for (let word = this.knownWords; word < bits.length; word++) if (arena[position++] !== bits[word]) return false;
    return true;
  }
}

interface Stored<State> {
  hashHigh: number;
  /** Where the set's snapshot lies in the arena, and its words. */
  offset: number;
  length: number;
  state: State;
  next: Stored<State> | null;
}

/** Words the arena of snapshots starts with; it doubles when full. */
const INITIAL_ARENA_WORDS = 4096;

/** Approximate bytes per stored pair beyond its words (objects, map slot). */
const OVERHEAD_BYTES = 160;

export class ExploredCache<State> {
  private readonly table = new Map<number, Stored<State>>();
  /** Every stored snapshot, end to end: one allocation instead of a typed array each; none until the first. */
  private arena = new Uint32Array(0);
  private arenaUsed = 0;
  size = 0;
  bytes = 0;

  constructor(
    private readonly equal: (left: State, right: State) => boolean,
    private readonly hash: ((state: State) => number) | undefined,
  ) {}

  /** A state's hash, as has() and insert() take it. */
  hashOf(state: State): number {
    return this.hash === undefined ? 0 : this.hash(state);
  }

  /** Whether the pair was stored before. */
  has(set: LinearizedSet, state: State, stateHash: number): boolean {
    const hashHigh = set.hashHigh;
    for (let stored = this.table.get(keyOf(set, stateHash)) ?? null; stored !== null; stored = stored.next) {
      if (stored.hashHigh === hashHigh && set.matches(this.arena, stored.offset, stored.length) && this.equal(stored.state, state)) {
        return true;
      }
    }
    return false;
  }

  /** Stores a pair that has() just said is not there. */
  insert(set: LinearizedSet, state: State, stateHash: number): void {
    const key = keyOf(set, stateHash);
    const length = set.snapshotLength();
    const offset = this.reserve(length);
    set.snapshotInto(this.arena, offset);
    this.table.set(key, { hashHigh: set.hashHigh, offset, length, state, next: this.table.get(key) ?? null });
    this.size++;
    this.bytes += OVERHEAD_BYTES + 4 * length;
  }

  /** The offset of `length` free words in the arena, grown when needed. */
  private reserve(length: number): number {
    const offset = this.arenaUsed;
    if (offset + length > this.arena.length) {
      const grown = new Uint32Array(Math.max(2 * this.arena.length, offset + length, INITIAL_ARENA_WORDS));
      grown.set(this.arena.subarray(0, offset));
      this.arena = grown;
    }
    this.arenaUsed = offset + length;
    return offset;
  }

  /** Stores the pair and returns true, or returns false when it was already there. */
  add(set: LinearizedSet, state: State): boolean {
    const stateHash = this.hashOf(state);
    if (this.has(set, state, stateHash)) return false;
    this.insert(set, state, stateHash);
    return true;
  }
}

/** A small-integer key keeps the map fast; the other Zobrist word rejects most collisions. */
function keyOf(set: LinearizedSet, stateHash: number): number {
  return (set.hashLow ^ stateHash) & 0x3fffffff;
}
