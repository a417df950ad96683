/**
 * What a sequential read mode promises on a register (ZooKeeper's plain
 * reads, the coordinator's `sequential`): reads may be stale, but a client
 * never sees a key go back in time, and it sees its own writes. A read breaks
 * the promise when it returns a value certainly older (write-order.ts) than
 * one the same client already read or wrote on that key.
 *
 * The client is the history's process, not the worker. A worker whose op
 * ended info continues as a fresh process with a fresh client: a new
 * ZooKeeper session, and ZooKeeper's promise ("a client never sees the state
 * go back in time, even across reconnects") is a session's. Reconnects inside
 * one session stay inside one process, so they are judged; a fresh session
 * may connect to a server further behind, which ZooKeeper allows. The
 * history does not say which processes one worker ran as, either.
 *
 * Each key is judged alone: without the system's write positions (zxids),
 * the order of writes to different keys is not certain enough to judge.
 */
import {
  DEFAULT_MAX_ANOMALIES,
  describeMomentOf,
  groupByKey,
  LOOK_AT_CLIENTS,
  momentOf,
  nothingToJudge,
  onKey,
  type Checker,
  type CheckerInput,
  type CheckerResult,
  type Moment,
} from '../checker.js';
import type { Operation, ProcessId } from '../../common/history/types.js';
import { canonical } from '../convergence/index.js';
import { certainWriteOrder, MAX_VALUES_PER_KEY, readValue, writersByValue, type OrderStep, type WriteOrder } from './write-order.js';

/** A value the client had seen before the stale read, and how it came to know it. */
export interface SeenValue {
  value: string;
  how: 'read' | 'wrote';
  at: Moment;
}

export interface BackInTime {
  kind: 'back-in-time' | 'own-write-unseen';
  key: string | null;
  process: ProcessId;
  /** The stale read: the value it returned, and when it completed. */
  read: { value: string; at: Moment; callIndex: number; returnIndex: number };
  /** What the client had seen before: certainly newer than what it read. */
  seen: SeenValue;
  /** Why the read value is certainly older than the seen one. */
  steps: OrderStep[];
}

export interface SequentialOptions {
  maxAnomalies?: number;
  /** Values a client remembers per key; past it the oldest are forgotten (fewer flags, never a false one). */
  maxRemembered?: number;
}

export type SequentialResult = CheckerResult<BackInTime>;

export const SEQUENTIAL_READS = 'sequential-reads';
const DEFAULT_MAX_REMEMBERED = 64;

export const sequentialReadsChecker: Checker<SequentialOptions, SequentialResult> = {
  name: SEQUENTIAL_READS,
  check: (input, options) => checkSequentialReads(input, options),
};

const REGISTER_FUNCTIONS = new Set(['read', 'write', 'cas']);

export function checkSequentialReads(input: CheckerInput, options: SequentialOptions = {}): SequentialResult {
  const found: BackInTime[] = [];
  const unknownKeys: string[] = [];
  let [reads, keys] = [0, 0];
  const registerOperations = input.operations.filter((operation) => REGISTER_FUNCTIONS.has(operation.f));
  for (const [key, operations] of groupByKey(registerOperations)) {
    keys += 1;
    reads += operations.filter((operation) => operation.f === 'read' && operation.status === 'ok').length;
    const order = judgeableOrder(operations);
    if (typeof order === 'string') unknownKeys.push(`key${onKey(key)}: ${order}`);
    else found.push(...backInTimeReads(key, operations, order, options.maxRemembered ?? DEFAULT_MAX_REMEMBERED));
  }
  const anomalies = found.slice(0, options.maxAnomalies ?? DEFAULT_MAX_ANOMALIES);
  const stats = { reads, keys, backInTime: found.length, keysUnknown: unknownKeys.length };
  const result = { checker: SEQUENTIAL_READS, anomalies, stats };
  if (anomalies.length > 0) return { ...result, valid: false, sentence: describeBackInTime(anomalies[0]!) };
  if (unknownKeys.length > 0) return { ...result, valid: 'unknown', reason: `${unknownKeys.length} key(s) not judged: ${unknownKeys.slice(0, 3).join('; ')}` };
  if (reads === 0) return { ...result, valid: 'unknown', reason: nothingToJudge('no read ended ok', LOOK_AT_CLIENTS) };
  return { ...result, valid: true };
}

/** The key's certain write order, or why the key cannot be judged with certainty. */
function judgeableOrder(operations: readonly Operation[]): WriteOrder | string {
  const values = writersByValue(operations).size;
  if (values > MAX_VALUES_PER_KEY) return `${values} distinct values written, more than the ${MAX_VALUES_PER_KEY} the checker orders per key`;
  const order = certainWriteOrder(operations);
  const contradictions = order.contradictions();
  if (contradictions.length === 0) return order;
  return `its writes were not in one order (value ${contradictions[0]} is both before and after another write), so no read can be placed with certainty; the linearizability result shows it`;
}

/** Each process's reads on one key, against what it read or wrote before. */
function backInTimeReads(key: string | null, operations: readonly Operation[], order: WriteOrder, maxRemembered: number): BackInTime[] {
  const found: BackInTime[] = [];
  const remembered = new Map<ProcessId, SeenValue[]>();
  for (const operation of operations) {
    if (operation.status !== 'ok') continue;
    const seen = remembered.get(operation.process) ?? [];
    remembered.set(operation.process, seen);
    if (operation.f === 'read') {
      const value = readValue(operation);
      const newer = seen.find((earlier) => order.isOlder(value, earlier.value));
      if (newer !== undefined) found.push(anomalyOf(key, operation, value, newer, order));
    }
    for (const learned of learnedBy(operation)) remember(seen, learned, order, maxRemembered);
  }
  return found;
}

/** The values an ok op shows its client: a read's result; a write's value; a cas's expected and new value. */
function learnedBy(operation: Operation): SeenValue[] {
  const at = momentOf(operation.returnIndex, operation.returnTime);
  if (operation.f === 'read') return [{ value: readValue(operation), how: 'read', at }];
  if (operation.f === 'write') return [{ value: canonical(operation.input), how: 'wrote', at }];
  if (operation.f === 'cas' && Array.isArray(operation.input)) {
    return [{ value: canonical(operation.input[0]), how: 'read', at }, { value: canonical(operation.input[1]), how: 'wrote', at }];
  }
  return [];
}

/** Keeps the newest values seen: one certainly older than another remembered adds nothing. */
function remember(seen: SeenValue[], learned: SeenValue, order: WriteOrder, maxRemembered: number): void {
  if (!order.placed(learned.value)) return;
  if (seen.some((earlier) => earlier.value === learned.value || order.isOlder(learned.value, earlier.value))) return;
  for (let index = seen.length - 1; index >= 0; index--) if (order.isOlder(seen[index]!.value, learned.value)) seen.splice(index, 1);
  seen.push(learned);
  if (seen.length > maxRemembered) seen.shift();
}

function anomalyOf(key: string | null, read: Operation, value: string, seen: SeenValue, order: WriteOrder): BackInTime {
  return {
    kind: seen.how === 'wrote' ? 'own-write-unseen' : 'back-in-time',
    key,
    process: read.process,
    read: { value, at: momentOf(read.returnIndex, read.returnTime), callIndex: read.callIndex, returnIndex: read.returnIndex },
    seen,
    steps: order.chain(value, seen.value),
  };
}

/** The anomaly in one sentence, as the report and the CLI show it. */
/** The anomaly's kind without the run's particulars, for grouping failures across seeds. */
export function backInTimeShape(anomaly: Pick<BackInTime, 'kind' | 'seen'>): string {
  return anomaly.kind === 'own-write-unseen' ? 'a read did not see the client\'s own write' : `a read went back in time after the client ${anomaly.seen.how === 'wrote' ? 'wrote' : 'read'} a newer value`;
}

export function describeBackInTime(anomaly: BackInTime): string {
  const before = anomaly.seen.how === 'wrote' ? `its own write of ${anomaly.seen.value} had completed` : `it had read ${anomaly.seen.value}`;
  const what = anomaly.kind === 'own-write-unseen' ? 'did not see its own write' : 'saw the state go back in time';
  return (
    `process ${String(anomaly.process)} ${what} on key${onKey(anomaly.key)}: it read ${anomaly.read.value} at ${describeMomentOf(anomaly.read.at)}, ` +
    `after ${before} at ${describeMomentOf(anomaly.seen.at)}, and ${anomaly.read.value} is certainly older: ${describeSteps(anomaly.steps)}`
  );
}

/** Why one value is certainly older than another, step by step. */
export function describeSteps(steps: readonly OrderStep[]): string {
  return steps.map(describeStep).join('; then ');
}

function describeStep(step: OrderStep): string {
  if (step.by === 'cas') {
    return `a cas by process ${String(step.cas.process)} found ${step.older} and replaced it with ${step.newer}`;
  }
  const began = `the write of ${step.newer} began at ${describeMomentOf(momentOf(step.newerWriter.callIndex, step.newerWriter.callTime))}`;
  if (step.settledBy === undefined) return `${step.older} is the initial value, older than any write, and ${began}`;
  const settled = step.settledBy;
  const how = settled.f === 'read' ? `process ${String(settled.process)} had read it` : settled.f === 'cas' && canonical((settled.input as unknown[])[0]) === step.older ? `a cas by process ${String(settled.process)} had found it` : `its write had completed`;
  return `${step.older} was written by ${describeMomentOf(momentOf(settled.returnIndex, settled.returnTime))} (${how}) and ${began}`;
}
