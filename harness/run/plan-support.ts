/**
 * For the plan tests: a run's history read back as the plan's terms (each
 * fault's kind, targets and start, each worker's first operation), so a
 * recorded run on any runtime can be held against planRun's data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HistoryEvent } from '../../common/history/types.js';
import type { PlannedFault, PlannedOperation } from './plan.js';
import { FILES } from './run-store.js';

export interface RecordedRun {
  faults: Array<Omit<PlannedFault, 'stopMs'>>;
  /** The first invocation of each of the processes 0..concurrency-1, by worker. */
  firstOperations: Array<Omit<PlannedOperation, 'delayMs'>>;
}

export function readRecordedRun(directory: string, concurrency: number): RecordedRun {
  const lines = readFileSync(join(directory, FILES.history), 'utf8').split('\n').filter((line) => line !== '');
  const events = lines.map((line) => JSON.parse(line) as HistoryEvent);
  const faults: RecordedRun['faults'] = [];
  const first = new Map<number, Omit<PlannedOperation, 'delayMs'>>();
  for (const event of events) {
    if (event.process === 'nemesis' && event.f.startsWith('start-')) {
      faults.push({ kind: event.f.slice('start-'.length) as PlannedFault['kind'], startMs: (event.time ?? NaN) / 1_000_000, value: event.value });
    }
    if (typeof event.process === 'number' && event.process < concurrency && event.type === 'invoke' && !first.has(event.process)) {
      first.set(event.process, { worker: event.process, request: { f: event.f, ...(event.key === undefined ? {} : { key: String(event.key) }), value: event.value } });
    }
  }
  return { faults, firstOperations: [...first.values()].sort((left, right) => left.worker - right.worker) };
}

/** A target chosen from the leader the live run saw: the plan, made without one, cannot name it. */
export function leaderBased(value: unknown): boolean {
  const target = (value as { target?: string } | null)?.target;
  return target === 'isolate-leader' || target === 'leader';
}

/** The planned operations without their delays, as the history records them. */
export function asRecorded(operations: readonly PlannedOperation[]): Array<Omit<PlannedOperation, 'delayMs'>> {
  return operations.map(({ worker, request }) => ({ worker, request: { f: request.f, ...(request.key === undefined ? {} : { key: request.key }), value: request.value } }));
}
