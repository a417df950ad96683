/**
 * Per-part tables the search builds once before its passes: which entries the
 * lookahead judges, and which info operations are interchangeable twins.
 */
import { type EntryList, NONE } from './entries.js';
import type { PreparedOperation } from './model.js';

/** 1 for the call entries of judged operations. */
export function judgedCalls(entries: EntryList, judged: Uint8Array): Uint8Array {
  const { isCall, operation } = entries;
  const result = new Uint8Array(isCall.length);
  for (let entry = 0; entry < isCall.length; entry++) result[entry] = isCall[entry]! & judged[operation[entry]!]!;
  return result;
}

/**
 * For each info operation, the latest earlier info operation with the same
 * function and input. Two such operations are interchangeable: neither ever
 * returns, and they do the same thing, so the search tries only the earlier.
 */
export function findTwins<Input>(operations: PreparedOperation<Input>[]): Int32Array {
  const twin = new Int32Array(operations.length).fill(NONE);
  const latest = new Map<string, number>();
  for (let index = 0; index < operations.length; index++) {
    const prepared = operations[index]!;
    if (prepared.outputKnown) continue;
    const signature = `${prepared.operation.f}\u0000${JSON.stringify(prepared.input)}`;
    const previous = latest.get(signature);
    if (previous !== undefined) twin[index] = previous;
    latest.set(signature, index);
  }
  return twin;
}

