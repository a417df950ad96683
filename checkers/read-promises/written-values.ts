/**
 * What even a serializable read mode promises on a register (etcd's
 * serializable reads): a read may be stale by any amount, but it returns a
 * value that was written (by an op that ended ok or info, which may have
 * happened) or the initial null. A value no op wrote, or only ops that failed
 * (and so certainly did not happen), is invented.
 */
import {
  DEFAULT_MAX_ANOMALIES,
  describeMomentOf,
  LOOK_AT_CLIENTS,
  momentOf,
  nothingToJudge,
  onKey,
  groupByKey,
  type Checker,
  type CheckerInput,
  type CheckerResult,
  type Moment,
} from '../checker.js';
import type { Operation, ProcessId } from '../../common/history/types.js';
import { canonical, registerWrittenValue } from '../convergence/index.js';
import { INITIAL_VALUE, readValue, writersByValue } from './write-order.js';

export interface InventedValue {
  kind: 'invented-value';
  key: string | null;
  process: ProcessId;
  value: string;
  at: Moment;
  /** Processes whose write of this value failed, when one did: it certainly did not happen. */
  failedWriters: ProcessId[];
}

export type WrittenValuesResult = CheckerResult<InventedValue>;

export const WRITTEN_VALUES = 'written-values';

export const writtenValuesChecker: Checker<{ maxAnomalies?: number }, WrittenValuesResult> = {
  name: WRITTEN_VALUES,
  check: (input, options) => checkWrittenValues(input, options),
};

export function checkWrittenValues(input: CheckerInput, options: { maxAnomalies?: number } = {}): WrittenValuesResult {
  const found: InventedValue[] = [];
  let reads = 0;
  const registerOperations = input.operations.filter((operation) => operation.f === 'read' || registerWrittenValue(operation) !== undefined);
  for (const [key, operations] of groupByKey(registerOperations)) {
    const written = writersByValue(operations);
    for (const operation of operations) {
      if (operation.f !== 'read' || operation.status !== 'ok') continue;
      reads += 1;
      const value = readValue(operation);
      if (value !== INITIAL_VALUE && !written.has(value)) found.push(invented(key, operation, value, operations));
    }
  }
  const anomalies = found.slice(0, options.maxAnomalies ?? DEFAULT_MAX_ANOMALIES);
  const result = { checker: WRITTEN_VALUES, anomalies, stats: { reads, invented: found.length } };
  if (anomalies.length > 0) return { ...result, valid: false, sentence: describeInventedValue(anomalies[0]!) };
  if (reads === 0) return { ...result, valid: 'unknown', reason: nothingToJudge('no read ended ok', LOOK_AT_CLIENTS) };
  return { ...result, valid: true };
}

function invented(key: string | null, read: Operation, value: string, operations: readonly Operation[]): InventedValue {
  const failedWriters = operations
    .filter((operation) => operation.status === 'fail' && canonical(registerWrittenValue(operation)?.value) === value && registerWrittenValue(operation) !== undefined)
    .map((operation) => operation.process);
  return { kind: 'invented-value', key, process: read.process, value, at: momentOf(read.returnIndex, read.returnTime), failedWriters };
}

/** The anomaly in one sentence, as the report and the CLI show it. */
/** The anomaly's kind without the run's particulars, for grouping failures across seeds. */
export function inventedValueShape(anomaly: InventedValue): string {
  return anomaly.failedWriters.length > 0 ? 'a read returned a value only failed writes wrote' : 'a read returned a value nobody wrote';
}

export function describeInventedValue(anomaly: InventedValue): string {
  const writers = anomaly.failedWriters.length === 0
    ? 'no op wrote it'
    : `only ops that failed wrote it (process ${anomaly.failedWriters.map(String).join(', ')}), and a failed op certainly did not happen`;
  return `process ${String(anomaly.process)} read ${anomaly.value} on key${onKey(anomaly.key)} at ${describeMomentOf(anomaly.at)}, a value never written: ${writers}`;
}
