/**
 * The doubly linked list of call and return entries that the WGL search walks,
 * kept in typed arrays: entry i lives at index i, the head sentinel at the end.
 * Info operations have a call entry and no return entry: they may take effect
 * at any time after their call, or never.
 */
import assert from 'node:assert/strict';

export const NONE = -1;

export interface EntryTimes {
  /** Event index (or any order-preserving time) of each operation's call. */
  call: ArrayLike<number>;
  /** Of each operation's return; Infinity for operations that never returned. */
  returned: ArrayLike<number>;
}

export class EntryList {
  readonly head: number;
  readonly next: Int32Array;
  readonly previous: Int32Array;
  /** Operation of each entry. */
  readonly operation: Int32Array;
  /** 1 for call entries, 0 for return entries. */
  readonly isCall: Uint8Array;
  /** Return entry of each operation, NONE for those that never returned. */
  readonly returnEntry: Int32Array;
  /**
   * The call entries of watched operations, linked in list order through
   * these (from head): a walk that needs only those skips the others.
   */
  readonly watchedNext: Int32Array;
  private readonly watchedPrevious: Int32Array;
  /** Entries in the list now. */
  linked: number;

  /** watched[operation] is 1 for the operations whose call entries watchedNext links. */
  constructor(times: EntryTimes, watched?: ArrayLike<number>) {
    const count = times.call.length;
    const order = sortEntries(times);
    const size = order.operation.length;
    this.head = size;
    this.next = new Int32Array(size + 1);
    this.previous = new Int32Array(size + 1);
    this.operation = order.operation;
    this.isCall = order.isCall;
    this.returnEntry = new Int32Array(count).fill(NONE);
    for (let index = 0; index < size; index++) {
      if (this.isCall[index] === 0) this.returnEntry[this.operation[index]!] = index;
      this.next[index] = index + 1 < size ? index + 1 : NONE;
      this.previous[index] = index === 0 ? this.head : index - 1;
    }
    this.next[this.head] = size > 0 ? 0 : NONE;
    this.previous[this.head] = NONE;
    this.linked = size;
    this.watchedNext = new Int32Array(size + 1).fill(NONE);
    this.watchedPrevious = new Int32Array(size + 1).fill(NONE);
    let last = this.head;
    for (let index = 0; index < size; index++) {
      if (this.isCall[index] === 0 || watched?.[this.operation[index]!] !== 1) continue;
      this.watchedNext[last] = index;
      this.watchedPrevious[index] = last;
      last = index;
    }
  }

  /** Takes a call entry and its return entry out of the list. */
  lift(callEntry: number): void {
    this.unlink(callEntry);
    const returnEntry = this.returnEntry[this.operation[callEntry]!]!;
    if (returnEntry !== NONE) this.unlink(returnEntry);
    this.linked -= returnEntry === NONE ? 1 : 2;
    const before = this.watchedPrevious[callEntry]!;
    if (before === NONE) return;
    const after = this.watchedNext[callEntry]!;
    this.watchedNext[before] = after;
    if (after !== NONE) this.watchedPrevious[after] = before;
  }

  /** Puts back what lift() took out, in reverse order. */
  unlift(callEntry: number): void {
    const returnEntry = this.returnEntry[this.operation[callEntry]!]!;
    if (returnEntry !== NONE) this.relink(returnEntry);
    this.relink(callEntry);
    this.linked += returnEntry === NONE ? 1 : 2;
    const before = this.watchedPrevious[callEntry]!;
    if (before === NONE) return;
    const after = this.watchedNext[callEntry]!;
    this.watchedNext[before] = callEntry;
    if (after !== NONE) this.watchedPrevious[after] = callEntry;
  }

  private unlink(entry: number): void {
    const before = this.previous[entry]!;
    const after = this.next[entry]!;
    this.next[before] = after;
    if (after !== NONE) this.previous[after] = before;
  }

  private relink(entry: number): void {
    const before = this.previous[entry]!;
    const after = this.next[entry]!;
    this.next[before] = entry;
    if (after !== NONE) this.previous[after] = entry;
  }
}

interface SortedEntries {
  operation: Int32Array;
  isCall: Uint8Array;
}

/**
 * Calls and returns in time order; at equal times a return comes first (the
 * operations did not overlap), and otherwise operations keep their order.
 */
function sortEntries(times: EntryTimes): SortedEntries {
  const count = times.call.length;
  let callsSorted = true;
  const returning: number[] = [];
  for (let operation = 0; operation < count; operation++) {
    const call = times.call[operation] as number;
    const returned = times.returned[operation] as number;
    // The message only when it fails: a template per operation would cost more than the sort.
    if (!(returned > call)) assert.fail(`operation ${operation} returns (${returned}) before its call (${call})`);
    if (operation > 0 && call < (times.call[operation - 1] as number)) callsSorted = false;
    if (returned !== Infinity) returning.push(operation);
  }
  if (!callsSorted || !insertionSortBy(returning, times.returned)) return sortEntriesInGeneral(times);
  // Calls are in operation order already and returns now in time order: a merge.
  const size = count + returning.length;
  const sorted: SortedEntries = { operation: new Int32Array(size), isCall: new Uint8Array(size) };
  let call = 0;
  let back = 0;
  for (let index = 0; index < size; index++) {
    const takeReturn =
      back < returning.length && (call === count || (times.returned[returning[back]!] as number) <= (times.call[call] as number));
    sorted.operation[index] = takeReturn ? returning[back++]! : call++;
    sorted.isCall[index] = takeReturn ? 0 : 1;
  }
  return sorted;
}

/** Operations complete roughly in call order, so few moves sort them; false past a bound on moves. */
function insertionSortBy(operations: number[], time: ArrayLike<number>): boolean {
  let movesLeft = 32 * operations.length + 1024;
  for (let position = 1; position < operations.length; position++) {
    const operation = operations[position]!;
    const key = time[operation] as number;
    let hole = position;
    while (hole > 0 && (time[operations[hole - 1]!] as number) > key) {
      operations[hole] = operations[hole - 1]!;
      hole--;
      if (--movesLeft === 0) return false;
    }
    operations[hole] = operation;
  }
  return true;
}

function sortEntriesInGeneral(times: EntryTimes): SortedEntries {
  const order: { time: number; operation: number; call: boolean }[] = [];
  for (let operation = 0; operation < times.call.length; operation++) {
    order.push({ time: times.call[operation] as number, operation, call: true });
    const returned = times.returned[operation] as number;
    if (returned !== Infinity) order.push({ time: returned, operation, call: false });
  }
  order.sort((left, right) => left.time - right.time || Number(left.call) - Number(right.call));
  return {
    operation: Int32Array.from(order, (item) => item.operation),
    isCall: Uint8Array.from(order, (item) => (item.call ? 1 : 0)),
  };
}
