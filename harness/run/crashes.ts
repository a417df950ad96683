/**
 * Node crashes as a run records them: crashes.json in the run directory (read
 * back by the check stage, so `faultline check <run>` judges them again), and
 * the operations still in flight when a crash stopped a simulated run, which
 * the history then completes as info: nobody can say whether they happened.
 */
import type { NodeCrash } from '../../checkers/crash/index.js';
import type { HistoryEvent } from '../../common/history/types.js';
import type { RunDirectory } from './run-store.js';

export const CRASHES_FILE = 'crashes.json';

export type { NodeCrash };

export function writeCrashes(directory: RunDirectory, crashes: readonly NodeCrash[]): void {
  if (crashes.length > 0) directory.writeJson(CRASHES_FILE, crashes);
}

type RecordedEvent = Omit<HistoryEvent, 'index'>;

/** Client operations invoked and not yet completed, by process, from the events a run records. */
export class OpenOperations {
  private readonly open = new Map<number, RecordedEvent>();

  observe(event: RecordedEvent): void {
    if (typeof event.process !== 'number') return;
    if (event.type === 'invoke') this.open.set(event.process, event);
    else this.open.delete(event.process);
  }

  /** An info completion, at timeNs, for each operation still open, in process order. */
  infoCompletions(timeNs: number, error: string): RecordedEvent[] {
    const processes = [...this.open.keys()].sort((left, right) => left - right);
    return processes.map((process) => {
      const invoke = this.open.get(process) as RecordedEvent;
      return { time: timeNs, process, type: 'info', f: invoke.f, ...(invoke.key === undefined ? {} : { key: invoke.key }), value: invoke.value, error };
    });
  }
}
