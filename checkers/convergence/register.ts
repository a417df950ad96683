/**
 * Which final values a register may hold, from the writes of its key.
 *
 * The final state comes after every operation, so it is the value of the
 * last write in the linearization (or the initial null if there is none).
 * A write can be that last write unless it is certainly superseded:
 * - a failed write never happened, so it never counts;
 * - a write that ended info may take effect at any later time, so it is
 *   never superseded;
 * - an ok write X is superseded when another ok write was invoked after X
 *   completed: that one is ordered after X;
 * - the initial null is superseded by any ok write.
 * The final value must be the value of a write that is not superseded.
 * When the last-completed write was ok, no write ended info, and no other
 * ok write overlapped it, that rule leaves exactly its value.
 */
import type { Operation } from '../../common/history/types.js';

/** The value an operation leaves in the register, or undefined if it writes nothing. */
export type WrittenValue = (operation: Operation) => { value: unknown } | undefined;

export const registerWrittenValue: WrittenValue = (operation) => {
  if (operation.f === 'write' || operation.f === 'put') return { value: operation.input ?? null };
  if (operation.f === 'cas' && Array.isArray(operation.input)) return { value: operation.input[1] ?? null };
  return undefined;
};

export interface Write {
  operation: Operation;
  value: unknown;
  canonical: string;
}

export interface KeyWrites {
  /** Canonical values that may be final. */
  possible: Set<string>;
  /** Canonical values of writes that happened or may have (ok or info), with null for the initial state. */
  written: Set<string>;
  /** The latest-invoked ok write: what supersedes every other value, for explanations. */
  latest?: Write;
}

export const INITIAL = canonical(null);

export function keyWrites(operations: readonly Operation[], writtenValue: WrittenValue): KeyWrites {
  const writes: Write[] = [];
  for (const operation of operations) {
    if (operation.status === 'fail') continue;
    const written = writtenValue(operation);
    if (written !== undefined) writes.push({ operation, value: written.value, canonical: canonical(written.value) });
  }
  const ok = writes.filter((write) => write.operation.status === 'ok');
  let latest: Write | undefined;
  for (const write of ok) if (latest === undefined || write.operation.callIndex > latest.operation.callIndex) latest = write;
  const possible = new Set<string>();
  for (const write of writes) {
    const superseded = write.operation.status === 'ok' && latest!.operation.callIndex > write.operation.returnIndex;
    if (!superseded) possible.add(write.canonical);
  }
  if (ok.length === 0) possible.add(INITIAL);
  const written = new Set(writes.map((write) => write.canonical));
  written.add(INITIAL);
  return { possible, written, ...(latest === undefined ? {} : { latest }) };
}

/** JSON with object keys sorted, so equal values compare equal; undefined (an absent key) is null. */
export function canonical(value: unknown): string {
  return JSON.stringify(value ?? null, (_key, inner: unknown) => {
    if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) return inner;
    const record = inner as Record<string, unknown>;
    return Object.fromEntries(Object.keys(record).sort().map((name) => [name, record[name]]));
  });
}
