/**
 * Fault windows from the nemesis's events: `start-<fault>` opens a window and
 * the next `stop-<fault>` closes it (Jepsen's bare `start`/`stop` name the
 * fault "fault"). A fault is surely in effect once its start has completed,
 * and may be over as soon as its stop is invoked, so a window runs from the
 * start's completion (its invocation when none is recorded) to the stop's
 * first event. A start never stopped lasts to the end of the history; a
 * start of a fault already on (or Jepsen's second, completing event of it,
 * also typed info) does not move its window.
 */
import type { HistoryEvent } from '../../common/history/types.js';

export interface FaultWindow {
  fault: string;
  /** What the start event said about the fault (targets, groups), as recorded. */
  value: unknown;
  /** Nanoseconds. */
  from: number;
  /** Nanoseconds; Infinity when never stopped. */
  to: number;
}

const FAULT_EVENT = /^(start|stop)(?:-(.+))?$/;

export function faultWindows(events: readonly HistoryEvent[]): FaultWindow[] {
  const open = new Map<string, { window: FaultWindow; completed: boolean }>();
  const windows: FaultWindow[] = [];
  for (const event of events) {
    if (typeof event.process === 'number' || event.time === undefined) continue;
    const match = FAULT_EVENT.exec(event.f);
    if (match === null) continue;
    const fault = match[2] ?? 'fault';
    const current = open.get(fault);
    if (match[1] === 'stop') {
      if (current !== undefined) current.window.to = event.time;
      open.delete(fault);
      continue;
    }
    const completion = event.type !== 'invoke';
    if (current === undefined) {
      const window: FaultWindow = { fault, value: event.value ?? null, from: event.time, to: Infinity };
      open.set(fault, { window, completed: completion });
      windows.push(window);
    } else if (completion && !current.completed) {
      // The start's completion: the fault is surely on from here, and its value says what was done.
      current.window.from = event.time;
      if (event.value !== undefined) current.window.value = event.value;
      current.completed = true;
    }
  }
  return windows.sort((left, right) => left.from - right.from);
}
