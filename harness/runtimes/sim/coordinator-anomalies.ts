/**
 * Simple client-visible anomaly checks over a worker history
 * (coordinator-workload.ts), for tests: much weaker than the harness's
 * checkers, but sound, so a correct cluster never trips them.
 *
 * - stale read: a read returned a value that had certainly been overwritten
 *   before the read began: the value's write completed, and then another
 *   write began and completed, all before the read was invoked. Values are
 *   unique per write, so the value names its write.
 * - sequence out of order: two `next` calls, one completed before the other
 *   was invoked, got ids that do not increase; or two got the same id.
 */
import type { RecordedOperation } from './coordinator-workload.js';
import type { ReadMode } from '../../../clusters/coordinator/service/types.js';

export interface Anomaly {
  kind: 'stale-read' | 'sequence-out-of-order' | 'sequence-duplicate';
  detail: string;
}

interface WriteSpan {
  value: number;
  invokeMs: number;
  completeMs: number;
}

/** Stale reads among ok reads in the given modes. */
export function staleReads(history: readonly RecordedOperation[], modes: readonly ReadMode[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  for (const [key, operations] of byKey(history)) {
    const writes = writeSpans(operations);
    const completedAt = new Map<number, number>();
    for (const write of writes) completedAt.set(write.value, write.completeMs);
    for (const read of operations) {
      if (read.kind !== 'read' || read.type !== 'ok' || read.readMode === null || !modes.includes(read.readMode)) continue;
      const value = read.result as number | null;
      // The initial value (no node yet) counts as written at time zero.
      const writtenBy = value === null ? 0 : completedAt.get(value) ?? Infinity;
      const overwrite = writes.find((write) => write.value !== value && write.invokeMs > writtenBy && write.completeMs < read.invokeMs);
      if (overwrite === undefined) continue;
      anomalies.push({
        kind: 'stale-read',
        detail:
          `${read.client} read ${key} = ${value} (${read.readMode}) at ${read.invokeMs.toFixed(1)}-${read.completeMs.toFixed(1)} ms, ` +
          `but ${overwrite.value} was written at ${overwrite.invokeMs.toFixed(1)}-${overwrite.completeMs.toFixed(1)} ms, after ${value} was`,
      });
    }
  }
  return anomalies;
}

/** Ids from `next` that repeat, or go backwards in real time. */
export function sequenceAnomalies(history: readonly RecordedOperation[]): Anomaly[] {
  const anomalies: Anomaly[] = [];
  const taken = history.filter((operation) => operation.kind === 'next' && operation.type === 'ok');
  const seen = new Map<number, RecordedOperation>();
  for (const operation of taken) {
    const id = operation.result as number;
    const earlier = seen.get(id);
    if (earlier !== undefined) anomalies.push({ kind: 'sequence-duplicate', detail: `id ${id} went to ${earlier.client} and ${operation.client}` });
    seen.set(id, operation);
  }
  // Sweep by invoke time, keeping the highest id among calls completed before it.
  const byCompletion = [...taken].sort((left, right) => left.completeMs - right.completeMs);
  const byInvoke = [...taken].sort((left, right) => left.invokeMs - right.invokeMs);
  let completedIndex = 0;
  let highest: RecordedOperation | null = null;
  for (const operation of byInvoke) {
    while (completedIndex < byCompletion.length && (byCompletion[completedIndex] as RecordedOperation).completeMs < operation.invokeMs) {
      const done = byCompletion[completedIndex++] as RecordedOperation;
      if (highest === null || (done.result as number) > (highest.result as number)) highest = done;
    }
    if (highest !== null && (operation.result as number) <= (highest.result as number)) {
      anomalies.push({
        kind: 'sequence-out-of-order',
        detail: `${operation.client} got id ${operation.result as number} at ${operation.invokeMs.toFixed(1)} ms, after ${highest.client} got ${highest.result as number} by ${highest.completeMs.toFixed(1)} ms`,
      });
    }
  }
  return anomalies;
}

function byKey(history: readonly RecordedOperation[]): Map<string, RecordedOperation[]> {
  const groups = new Map<string, RecordedOperation[]>();
  for (const operation of history) {
    if (operation.kind !== 'read' && operation.kind !== 'write' && operation.kind !== 'cas') continue;
    const group = groups.get(operation.key) ?? [];
    group.push(operation);
    groups.set(operation.key, group);
  }
  return groups;
}

/** The values each ok write and ok cas put in place, with when; a write of unknown outcome never counts as completed. */
function writeSpans(operations: readonly RecordedOperation[]): WriteSpan[] {
  const spans: WriteSpan[] = [];
  for (const operation of operations) {
    if (operation.type !== 'ok') continue;
    if (operation.kind === 'write') spans.push({ value: operation.argument as number, invokeMs: operation.invokeMs, completeMs: operation.completeMs });
    else if (operation.kind === 'cas') spans.push({ value: (operation.argument as [number, number])[1], invokeMs: operation.invokeMs, completeMs: operation.completeMs });
  }
  return spans;
}
