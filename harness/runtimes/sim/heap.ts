/**
 * The scheduler's priority queue: a binary min-heap ordered by (time, sequence).
 * Sequences are unique and increase with every push, so events due at the same
 * virtual time run in the order they were scheduled and the order is total:
 * no tie is ever left to the heap's shape. Keys live in typed arrays, which
 * keeps pushes and pops free of allocation once the arrays have grown.
 */
import assert from 'node:assert/strict';

export class EventQueue<Item> {
  private times: Float64Array;
  private sequences: Float64Array;
  private items: (Item | undefined)[];
  private count = 0;
  private nextSequence = 0;
  /** Time of the item the last pop() returned. */
  poppedTimeUs = 0;

  constructor(
    private readonly capacity: number,
    private readonly onFull: () => never,
    initialCapacity = 1024,
  ) {
    assert.ok(capacity >= 1, 'queue capacity must be at least 1');
    const size = Math.min(initialCapacity, capacity);
    this.times = new Float64Array(size);
    this.sequences = new Float64Array(size);
    this.items = new Array<Item | undefined>(size);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest item; Infinity when empty. */
  peekTimeUs(): number {
    return this.count === 0 ? Infinity : (this.times[0] as number);
  }

  push(timeUs: number, item: Item): void {
    // Guarded by hand: assert.ok would build its message string on every push.
    if (!(Number.isSafeInteger(timeUs) && timeUs >= 0)) assert.fail(`event time must be a whole number of µs, got ${timeUs}`);
    if (this.count >= this.capacity) this.onFull();
    if (this.count === this.times.length) this.grow();
    let index = this.count++;
    const sequence = this.nextSequence++;
    // Sift up by moving parents down into the hole, then write once.
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentTime = this.times[parent] as number;
      if (parentTime < timeUs || (parentTime === timeUs && (this.sequences[parent] as number) < sequence)) break;
      this.moveSlot(parent, index);
      index = parent;
    }
    this.times[index] = timeUs;
    this.sequences[index] = sequence;
    this.items[index] = item;
  }

  pop(): Item | undefined {
    if (this.count === 0) return undefined;
    const top = this.items[0];
    this.poppedTimeUs = this.times[0] as number;
    const last = --this.count;
    if (last > 0) this.siftDownFrom(last);
    this.items[last] = undefined;
    return top;
  }

  /** Moves the item at `from` (the old last slot) into the root's hole and restores order. */
  private siftDownFrom(from: number): void {
    const time = this.times[from] as number;
    const sequence = this.sequences[from] as number;
    const item = this.items[from];
    const count = this.count;
    let index = 0;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= count) break;
      const right = child + 1;
      if (right < count && this.less(right, child)) child = right;
      const childTime = this.times[child] as number;
      if (time < childTime || (time === childTime && sequence < (this.sequences[child] as number))) break;
      this.moveSlot(child, index);
      index = child;
    }
    this.times[index] = time;
    this.sequences[index] = sequence;
    this.items[index] = item;
  }

  private less(left: number, right: number): boolean {
    const leftTime = this.times[left] as number;
    const rightTime = this.times[right] as number;
    return leftTime < rightTime || (leftTime === rightTime && (this.sequences[left] as number) < (this.sequences[right] as number));
  }

  private moveSlot(from: number, to: number): void {
    this.times[to] = this.times[from] as number;
    this.sequences[to] = this.sequences[from] as number;
    this.items[to] = this.items[from];
  }

  private grow(): void {
    const size = Math.min(this.times.length * 2, this.capacity);
    const times = new Float64Array(size);
    times.set(this.times);
    const sequences = new Float64Array(size);
    sequences.set(this.sequences);
    this.times = times;
    this.sequences = sequences;
    this.items.length = size;
  }
}
