/**
 * Client operations as the charts see them: invocation and completion time,
 * outcome, latency. Unlike the checkers' pairing, an info completion keeps
 * its time (the moment the client gave up), and a history that breaks the
 * pairing rules is drawn as far as it makes sense rather than refused.
 */
import { inputFromEvents, type CheckerInput } from '../checkers/checker.js';
import { HistoryError } from '../common/errors.js';
import type { HistoryEvent, ProcessId } from '../common/history/types.js';

export type Outcome = 'ok' | 'fail' | 'info';

export interface OperationSpan {
  process: ProcessId;
  f: string;
  key?: string | number;
  /** Seconds since run start. */
  callSeconds: number;
  /** Seconds; absent when the operation never completed. */
  returnSeconds?: number;
  outcome: Outcome;
  /** Event indexes, for pointing at the history. */
  callIndex: number;
  returnIndex?: number;
  input: unknown;
  output: unknown;
  node?: string;
}

export interface OperationCounts {
  total: number;
  ok: number;
  fail: number;
  info: number;
  /** Invoked but never completed in the history (counted in info too). */
  open: number;
}

export interface ClientOperations {
  operations: OperationSpan[];
  counts: OperationCounts;
  /** Events of named processes (the nemesis). */
  nemesis: HistoryEvent[];
  /** Seconds from the first to the last timed event. */
  durationSeconds: number;
  /** Events without a time: they cannot be drawn on a time axis. */
  untimedEvents: number;
}

function seconds(time: number): number {
  return time / 1e9;
}

/** Pairs client events into spans, in invocation order. */
export function clientOperations(events: readonly HistoryEvent[]): ClientOperations {
  const operations: OperationSpan[] = [];
  const nemesis: HistoryEvent[] = [];
  const open = new Map<ProcessId, OperationSpan>();
  const counts: OperationCounts = { total: 0, ok: 0, fail: 0, info: 0, open: 0 };
  let [lastTime, untimedEvents] = [0, 0];
  for (const event of events) {
    if (event.time === undefined) untimedEvents += 1;
    else if (event.time > lastTime) lastTime = event.time;
    if (typeof event.process !== 'number') {
      nemesis.push(event);
      continue;
    }
    if (event.time === undefined) continue;
    if (event.type === 'invoke') {
      const span: OperationSpan = { process: event.process, f: event.f, callSeconds: seconds(event.time), outcome: 'info', callIndex: event.index, input: event.value, output: event.value };
      if (event.key !== undefined) span.key = event.key;
      open.set(event.process, span);
      operations.push(span);
      continue;
    }
    const span = open.get(event.process);
    if (span === undefined) continue;
    open.delete(event.process);
    span.outcome = event.type;
    span.returnSeconds = seconds(event.time);
    span.returnIndex = event.index;
    span.output = event.value;
    if (event.node !== undefined) span.node = event.node;
  }
  for (const span of operations) counts[span.outcome] += 1;
  counts.total = operations.length;
  counts.open = open.size;
  return { operations, counts, nemesis, durationSeconds: seconds(lastTime), untimedEvents };
}

/**
 * The history as the checkers pair it, for views that explain a verdict with
 * the checker's own functions; undefined when the history breaks the pairing
 * rules (then no checker judged it, and those views fall back to words).
 */
export function checkerInputOf(events: HistoryEvent[]): CheckerInput | undefined {
  try {
    return inputFromEvents(events);
  } catch (error) {
    if (error instanceof HistoryError) return undefined;
    throw error;
  }
}

/** Milliseconds from invocation to completion, or undefined for an operation never completed. */
export function latencyMs(span: OperationSpan): number | undefined {
  return span.returnSeconds === undefined ? undefined : (span.returnSeconds - span.callSeconds) * 1000;
}


export function compact(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function clip(text: string, maxLength: number): string {
  return text.length <= maxLength ? text : `${text.slice(0, maxLength - 1)}…`;
}
