/**
 * The order of one key's writes that a register history makes certain.
 *
 * The systems whose reads are weaker than linearizable (ZooKeeper's plain
 * reads, etcd's serializable reads, the coordinator's sequential mode) still
 * order every write through their leader, one total order that respects real
 * time. Reads may lag that order but never invent it. So "v is older than u"
 * is certain, in every execution the history allows, when a chain of these
 * facts links them:
 * - real time: v's write had certainly taken effect (its write, a cas from
 *   v, or a read of v completed) before u's write was invoked;
 * - compare-and-set: a cas [v, u] that took effect (it ended ok, or u was
 *   seen) found v current and replaced it with u;
 * - the initial null is older than every written value.
 * Only values written by exactly one operation that may have happened are
 * placed; a value written twice is left out, since a read of it could be of
 * either write. A failed operation never happened and places nothing.
 */
import assert from 'node:assert/strict';
import type { Operation } from '../../common/history/types.js';
import { canonical, registerWrittenValue } from '../convergence/index.js';

/** The register's value before any write: what a read of a key never written returns. */
export const INITIAL_VALUE = canonical(null);

/** One placed value: where its write could begin, and by when it had certainly happened. */
interface PlacedValue {
  canonical: string;
  /** The one op that wrote it; absent for the initial value. */
  writer?: Operation;
  /** Event index from which its write could take effect (-1 for the initial value). */
  earliest: number;
  /** Event index by which its write had certainly taken effect (Infinity: not known to have happened). */
  settled: number;
  /** The op whose completion settled it: its writer, a read of it, or a cas that found it. */
  settledBy?: Operation;
  /** Values a cas that took effect wrote over this one, with that cas. */
  replacedBy: Array<{ target: number; cas: Operation }>;
}

/** One certain step of the order: `older` precedes `newer`, and why. */
export type OrderStep =
  | { by: 'real-time'; older: string; newer: string; settledBy?: Operation; newerWriter: Operation }
  | { by: 'cas'; older: string; newer: string; cas: Operation };

export interface WriteOrder {
  /** Whether `older` is certainly older than `newer`; false when unknown or either is not placed. */
  isOlder(older: string, newer: string): boolean;
  /** Whether the value is placed in the order (written once, or the initial value). */
  placed(value: string): boolean;
  /** The op that wrote the value, when one did. */
  writerOf(value: string): Operation | undefined;
  /** The steps that make `older` certainly older than `newer`; empty when it is not. */
  chain(older: string, newer: string): OrderStep[];
  /** Values the certain facts order both before and after each other: the writes were not linearizable. */
  contradictions(): string[];
  size: number;
}

/** Past this many values on one key the order is not built: the key is left unknown. */
export const MAX_VALUES_PER_KEY = 4000;

/** The value an ok read returned, canonical. */
export function readValue(operation: Operation): string {
  return canonical(operation.output);
}

function casFrom(operation: Operation): string | undefined {
  return operation.f === 'cas' && Array.isArray(operation.input) ? canonical(operation.input[0]) : undefined;
}

/** Writers of each value that may have happened (ok or info), by canonical value. */
export function writersByValue(operations: readonly Operation[]): Map<string, Operation[]> {
  const writers = new Map<string, Operation[]>();
  for (const operation of operations) {
    if (operation.status === 'fail') continue;
    const written = registerWrittenValue(operation);
    if (written === undefined) continue;
    const value = canonical(written.value);
    const list = writers.get(value);
    if (list === undefined) writers.set(value, [operation]);
    else list.push(operation);
  }
  return writers;
}

/** The certain write order of one key's operations (all of them, any process). */
export function certainWriteOrder(operations: readonly Operation[]): WriteOrder {
  const writers = writersByValue(operations);
  const values: PlacedValue[] = [{ canonical: INITIAL_VALUE, earliest: -1, settled: -1, replacedBy: [] }];
  // An op that writes null makes a read of null ambiguous: the initial value is then not placed.
  const position = new Map<string, number>(writers.has(INITIAL_VALUE) ? [] : [[INITIAL_VALUE, 0]]);
  for (const [value, list] of writers) {
    if (list.length !== 1 || value === INITIAL_VALUE) continue;
    const writer = list[0]!;
    position.set(value, values.length);
    const placed: PlacedValue = { canonical: value, earliest: writer.callIndex, settled: Infinity, writer, replacedBy: [] };
    if (writer.status === 'ok') Object.assign(placed, { settled: writer.returnIndex, settledBy: writer });
    values.push(placed);
  }
  assert.ok(values.length <= MAX_VALUES_PER_KEY + 1, `certainWriteOrder: ${values.length} values; callers check the bound`);
  settleBySeen(operations, values, position);
  linkCompareAndSets(operations, values, position);
  return orderOf(values, position, writers);
}

/** A value seen by an ok read, or found current by an ok cas, had been written by then. */
function settleBySeen(operations: readonly Operation[], values: PlacedValue[], position: Map<string, number>): void {
  for (const operation of operations) {
    if (operation.status !== 'ok') continue;
    const seen = operation.f === 'read' ? readValue(operation) : casFrom(operation);
    const at = seen === undefined ? undefined : position.get(seen);
    const value = at === undefined ? undefined : values[at]!;
    if (value !== undefined && operation.returnIndex < value.settled) Object.assign(value, { settled: operation.returnIndex, settledBy: operation });
  }
}

function linkCompareAndSets(operations: readonly Operation[], values: PlacedValue[], position: Map<string, number>): void {
  for (const operation of operations) {
    const from = casFrom(operation);
    if (from === undefined || operation.status === 'fail') continue;
    const to = position.get(canonical((operation.input as unknown[])[1]));
    const before = position.get(from);
    if (to === undefined || before === undefined || to === 0) continue;
    // An info cas took effect only if its value was seen: then it found `from` current.
    if (operation.status === 'ok' || Number.isFinite(values[to]!.settled)) values[before]!.replacedBy.push({ target: to, cas: operation });
  }
}

function orderOf(values: PlacedValue[], position: Map<string, number>, writers: Map<string, Operation[]>): WriteOrder {
  const byEarliest = values.map((_, index) => index).sort((left, right) => values[left]!.earliest - values[right]!.earliest);
  const newer = new Map<number, Uint8Array>();
  const reach = (from: number): Uint8Array => {
    let found = newer.get(from);
    if (found === undefined) newer.set(from, (found = newerThan(from, values, byEarliest).reached));
    return found;
  };
  const pair = (older: string, newerValue: string): [number, number] | undefined => {
    const [from, to] = [position.get(older), position.get(newerValue)];
    return from === undefined || to === undefined || from === to || reach(from)[to] !== 1 ? undefined : [from, to];
  };
  return {
    size: values.length,
    placed: (value) => position.has(value),
    writerOf: (value) => {
      const list = writers.get(value);
      return list?.length === 1 ? list[0] : undefined;
    },
    isOlder: (older, newerValue) => pair(older, newerValue) !== undefined,
    chain(older, newerValue) {
      const found = pair(older, newerValue);
      return found === undefined ? [] : stepsTo(found[0], found[1], values, byEarliest);
    },
    contradictions: () => values.filter((value, index) => value.replacedBy.length > 0 && reach(index)[index] === 1).map((value) => value.canonical),
  };
}

/** How the search reached a value: from which value, by which fact. */
type Parent = { from: number; cas?: Operation };

/**
 * Every value certainly newer than `from`. Real-time facts alone are
 * transitive (settled >= earliest), so the search keeps the smallest
 * `settled` reached: every value whose write began after it is newer; cas
 * links add their targets. Each value is visited once.
 */
function newerThan(from: number, values: readonly PlacedValue[], byEarliest: readonly number[]): { reached: Uint8Array; parents: Map<number, Parent> } {
  const reached = new Uint8Array(values.length);
  const parents = new Map<number, Parent>();
  const queue: number[] = [];
  let [threshold, thresholdOwner] = [Infinity, from];
  // byEarliest[cursor..] are the values the real-time rule has already taken.
  let cursor = byEarliest.length;
  const reach = (target: number, parent: Parent): void => {
    if (reached[target] === 1) return;
    reached[target] = 1;
    parents.set(target, parent);
    queue.push(target);
  };
  const visit = (index: number): void => {
    const value = values[index]!;
    if (value.settled < threshold) [threshold, thresholdOwner] = [value.settled, index];
    for (const { target, cas } of value.replacedBy) reach(target, { from: index, cas });
  };
  visit(from);
  for (let steps = 0; steps <= values.length + 1; steps++) {
    while (cursor > 0 && values[byEarliest[cursor - 1]!]!.earliest > threshold) {
      cursor -= 1;
      reach(byEarliest[cursor]!, { from: thresholdOwner });
    }
    const next = queue.pop();
    if (next === undefined) return { reached, parents };
    visit(next);
  }
  assert.fail('newerThan: the search visits each value once');
}

function stepsTo(from: number, to: number, values: readonly PlacedValue[], byEarliest: readonly number[]): OrderStep[] {
  const { parents } = newerThan(from, values, byEarliest);
  const steps: OrderStep[] = [];
  for (let at = to, guard = 0; guard <= values.length; guard++) {
    const parent = parents.get(at);
    assert.ok(parent !== undefined, 'stepsTo: every reached value has a parent');
    const [older, newer] = [values[parent.from]!, values[at]!];
    if (parent.cas !== undefined) steps.push({ by: 'cas', older: older.canonical, newer: newer.canonical, cas: parent.cas });
    else steps.push({ by: 'real-time', older: older.canonical, newer: newer.canonical, ...(older.settledBy === undefined ? {} : { settledBy: older.settledBy }), newerWriter: newer.writer! });
    if (parent.from === from) return steps.reverse();
    at = parent.from;
  }
  assert.fail('stepsTo: the chain is longer than the values');
}
