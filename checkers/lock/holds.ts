/**
 * When each process certainly held a lock. A hold is certain from the moment
 * its start completed (an ok acquire, or an ok enter of the critical section)
 * until its end was invoked (release or exit, whatever their outcome: once a
 * holder asks to let go it no longer acts under the lock). Event indexes
 * decide the order; times only describe it.
 */
import type { Operation, ProcessId } from '../../common/history/types.js';

export type HoldSource = 'critical-section' | 'acquire';

export interface Hold {
  process: ProcessId;
  key: string | null;
  /** Event index of the completion that began the hold. */
  startIndex: number;
  startTime?: number;
  /** Event index of the invocation that ended it; Infinity when it lasts to the end of the history. */
  endIndex: number;
  endTime?: number;
}

export interface HoldsOfKey {
  holds: Hold[];
  /** Acquires (or enters) that ended info: they may or may not hold the lock, so they are not holds. */
  uncertain: number;
}

const BEGIN: Record<HoldSource, string> = { 'critical-section': 'enter', acquire: 'acquire' };
const END: Record<HoldSource, string> = { 'critical-section': 'exit', acquire: 'release' };

/** Critical-section records are the better evidence when a lock's history has them. */
export function chooseSource(operations: readonly Operation[]): HoldSource {
  return operations.some((operation) => operation.f === 'enter') ? 'critical-section' : 'acquire';
}

/** The holds of one key's operations (in invocation order). */
export function holdsOf(key: string | null, operations: readonly Operation[], source: HoldSource): HoldsOfKey {
  const open = new Map<ProcessId, Hold>();
  const holds: Hold[] = [];
  let uncertain = 0;
  for (const operation of operations) {
    if (operation.f === BEGIN[source]) {
      if (operation.status === 'info') uncertain += 1;
      if (operation.status !== 'ok') continue;
      // A second begin without an end changes nothing: the process never let go.
      if (open.has(operation.process)) continue;
      const hold: Hold = { process: operation.process, key, startIndex: operation.returnIndex, endIndex: Infinity };
      if (operation.returnTime !== undefined) hold.startTime = operation.returnTime;
      open.set(operation.process, hold);
      holds.push(hold);
    } else if (operation.f === END[source]) {
      closeHold(open, operation);
    }
  }
  return { holds, uncertain };
}

function closeHold(open: Map<ProcessId, Hold>, operation: Operation): void {
  const hold = open.get(operation.process);
  if (hold === undefined) return;
  hold.endIndex = operation.callIndex;
  if (operation.callTime !== undefined) hold.endTime = operation.callTime;
  open.delete(operation.process);
}
