/**
 * One sentence in plain words for why an operation cannot be linearized,
 * e.g. "read of k3 returned 5 at 12.30 s, but every write of 5 was
 * overwritten by the write of 7 that completed at 12.10 s", and its shape:
 * the same explanation with the run's particulars (keys, values, times,
 * processes) left out, e.g. "read returned an overwritten value", so a sweep
 * can count the seeds that fail the same way.
 */
import type { Operation } from '../../common/history/types.js';
import { describeValue, valuesEqual, type Model } from './model.js';

export interface ExplainInput {
  model: Model<unknown, unknown>;
  blocking: Operation;
  /** Every operation of the blocking operation's key (or of the whole history). */
  operations: Operation[];
  prefixLength: number;
  pendingCount: number;
  stateAfterPrefix: unknown;
}

/** "12.30 s" from nanoseconds, or "event 57" when the history has no times. */
export function when(operation: Operation, edge: 'call' | 'return'): string {
  const time = edge === 'call' ? operation.callTime : operation.returnTime;
  if (time !== undefined) return `${(time / 1e9).toFixed(2)} s`;
  const index = edge === 'call' ? operation.callIndex : operation.returnIndex;
  return index === Infinity ? 'the end' : `event ${index}`;
}

export interface Explanation {
  sentence: string;
  shape: string;
}

export function explain(input: ExplainInput): Explanation {
  const { blocking } = input;
  const specific = explainRegister(input) ?? explainKv(input);
  if (specific !== null) return specific;
  const what = input.model.describeOperation(blocking);
  const sentence =
    `${what} (process ${String(blocking.process)}, ${when(blocking, 'call')} to ${when(blocking, 'return')}) ` +
    `cannot be linearized: the longest linearizable prefix has ${input.prefixLength} operations and leaves ` +
    `${input.model.describeState(input.stateAfterPrefix)}, and no order of the ${input.pendingCount} ` +
    `operations in flight at that point allows it`;
  return { sentence, shape: `${input.model.name} ${blocking.f} that no order allows` };
}

const RETURNED = 'returned';
const EXPECTED = 'expected';

/** The value a register operation needed to see, or undefined if it observes nothing. */
function observedValue(operation: Operation): { value: unknown; verb: string } | undefined {
  if (operation.f === 'read' || operation.f === 'get') return { value: operation.output ?? null, verb: RETURNED };
  if (operation.f === 'cas' && Array.isArray(operation.input)) {
    return { value: operation.input[0] ?? null, verb: EXPECTED };
  }
  return undefined;
}

/**
 * A register shape without the operation that observed the value: a read that
 * returned an overwritten value and a cas that expected one (and so succeeded
 * on it) saw the same stale value, one anomaly told through two operations.
 * Other shapes come back unchanged.
 */
export function observedAnomaly(shape: string): string {
  const match = new RegExp(`^\\S+ (?:${RETURNED}|${EXPECTED}) (.+)$`).exec(shape);
  return match === null ? shape : `an operation saw ${match[1]}`;
}

/** The value a register operation leaves behind, or undefined if it writes nothing. */
function writtenValue(operation: Operation): { value: unknown } | undefined {
  if (operation.status === 'fail') return undefined;
  if (operation.f === 'write' || operation.f === 'put') return { value: operation.input ?? null };
  if (operation.f === 'cas' && Array.isArray(operation.input)) return { value: operation.input[1] ?? null };
  return undefined;
}

function explainRegister(input: ExplainInput): Explanation | null {
  const { blocking, operations, model } = input;
  if (model.name !== 'register' && model.name !== 'cas-register') return null;
  const observed = observedValue(blocking);
  if (observed === undefined) return null;
  const key = blocking.key === undefined ? '' : ` of ${String(blocking.key)}`;
  const shown = describeValue(observed.value);
  const opening = `${blocking.f}${key} ${observed.verb} ${shown} at ${when(blocking, 'return')}`;
  const writers = operations.filter((other) => {
    const written = writtenValue(other);
    return other !== blocking && written !== undefined && valuesEqual(written.value, observed.value);
  });
  const initial = model.init();
  const shaped = (sentence: string, what: string): Explanation => ({ sentence, shape: `${blocking.f} ${observed.verb} ${what}` });
  if (writers.length === 0 && !valuesEqual(initial, observed.value)) {
    return shaped(`${opening}, but no operation ever wrote ${shown}`, 'a value no operation wrote');
  }
  const possible = writers.filter((writer) => writer.callIndex < blocking.returnIndex);
  if (possible.length === 0 && !valuesEqual(initial, observed.value)) {
    return shaped(`${opening}, but no write of ${shown} began before it completed (the first began at ${when(writers[0]!, 'call')})`, 'a value written only later');
  }
  const overwriter = findOverwriter(possible, operations, blocking, observed.value);
  if (overwriter !== undefined) {
    const subject = possible.length === 0 ? `the initial value ${shown}` : `every write of ${shown}`;
    return shaped(`${opening}, but ${subject} was overwritten by the ${model.describeOperation(overwriter)} that completed at ${when(overwriter, 'return')}`, 'an overwritten value');
  }
  return shaped(
    `${opening}, but no order of the operations around it allows that: the longest linearizable prefix ` +
      `(${input.prefixLength} operations) leaves the register holding ${model.describeState(input.stateAfterPrefix)}`,
    'a value no order allows',
  );
}

/**
 * A write of another value that began after every candidate write of the
 * observed value completed, and completed before the observing operation began.
 */
function findOverwriter(
  writers: Operation[],
  operations: Operation[],
  blocking: Operation,
  value: unknown,
): Operation | undefined {
  let lastWriterReturn = -Infinity;
  for (const writer of writers) lastWriterReturn = Math.max(lastWriterReturn, writer.returnIndex);
  let best: Operation | undefined;
  for (const other of operations) {
    const written = writtenValue(other);
    if (written === undefined || other.status !== 'ok' || valuesEqual(written.value, value)) continue;
    if (other.callIndex > lastWriterReturn && other.returnIndex < blocking.callIndex) {
      if (best === undefined || other.returnIndex > best.returnIndex) best = other;
    }
  }
  return best;
}

/**
 * A kv get that misses an append which completed before the get began, with
 * no put that could have replaced the value in between: a lost append.
 */
function explainKv(input: ExplainInput): Explanation | null {
  const { blocking, operations, model } = input;
  if (model.name !== 'kv' || blocking.f !== 'get' || typeof blocking.output !== 'string') return null;
  const value = blocking.output;
  const key = blocking.key === undefined ? '' : ` of ${String(blocking.key)}`;
  const opening = `get${key} returned ${describeValue(value)} at ${when(blocking, 'return')}`;
  const puts = operations.filter((other) => other.f === 'put' && other.status !== 'fail');
  const lost = operations.find(
    (append) =>
      append.f === 'append' &&
      append.status === 'ok' &&
      append.returnIndex < blocking.callIndex &&
      typeof append.input === 'string' &&
      !value.includes(append.input) &&
      !puts.some((put) => put.callIndex < blocking.returnIndex && put.returnIndex > append.callIndex),
  );
  if (lost !== undefined) {
    const sentence = `${opening}, which lacks ${model.describeOperation(lost)} that completed at ${when(lost, 'return')}, before the get began, with no put that could have replaced the value in between`;
    return { sentence, shape: 'get lacks a completed append' };
  }
  const sentence =
    `${opening}, but no order of the operations around it allows that: the longest linearizable prefix ` +
    `(${input.prefixLength} operations) leaves ${model.describeState(input.stateAfterPrefix)}, which no later put or append can turn into it`;
  return { sentence, shape: 'get returned a value no order allows' };
}
