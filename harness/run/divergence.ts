/**
 * How far a replayed history drifted from the stored one. On the simulator a
 * replay must be identical byte for byte; on real runtimes the same seed gives
 * the same op and fault schedule, but timing decides how much of it runs and
 * in which interleaving. So the comparison is per schedule: each process's
 * sequence of invocations, and the nemesis's sequence of faults.
 */
import type { HistoryEvent } from '../../common/history/types.js';

export interface ScheduleDivergence {
  /** Invocations, summed over processes, that equal the stored run's at the same place. */
  matchingInvocations: number;
  storedInvocations: number;
  replayedInvocations: number;
  /** The first invocation that differs, as "process P's Nth op", or null. */
  firstDifference: string | null;
  matchingFaults: number;
  storedFaults: number;
  replayedFaults: number;
}

function invocationKey(event: HistoryEvent): string {
  return JSON.stringify([event.f, event.key ?? null, event.value ?? null]);
}

function byProcess(events: readonly HistoryEvent[]): Map<string, string[]> {
  const processes = new Map<string, string[]>();
  for (const event of events) {
    if (event.type !== 'invoke' || event.process === 'nemesis') continue;
    const name = String(event.process);
    let list = processes.get(name);
    if (list === undefined) processes.set(name, (list = []));
    list.push(invocationKey(event));
  }
  return processes;
}

/** Faults by what they did (kind and targets), in order; times differ on a real clock. */
function faults(events: readonly HistoryEvent[]): string[] {
  return events.filter((event) => event.process === 'nemesis').map((event) => JSON.stringify([event.f, event.value ?? null]));
}

function matchingPrefix(left: readonly string[], right: readonly string[]): number {
  let length = 0;
  while (length < left.length && length < right.length && left[length] === right[length]) length++;
  return length;
}

export function compareSchedules(stored: readonly HistoryEvent[], replayed: readonly HistoryEvent[]): ScheduleDivergence {
  const storedProcesses = byProcess(stored);
  const replayedProcesses = byProcess(replayed);
  let matchingInvocations = 0;
  let storedInvocations = 0;
  let firstDifference: string | null = null;
  for (const [process, invocations] of storedProcesses) {
    storedInvocations += invocations.length;
    const other = replayedProcesses.get(process) ?? [];
    const matching = matchingPrefix(invocations, other);
    matchingInvocations += matching;
    const shorter = Math.min(invocations.length, other.length);
    if (firstDifference === null && matching < shorter) firstDifference = `process ${process}'s op ${matching + 1}`;
  }
  let replayedInvocations = 0;
  for (const invocations of replayedProcesses.values()) replayedInvocations += invocations.length;
  const storedFaults = faults(stored);
  const replayedFaults = faults(replayed);
  return {
    matchingInvocations,
    storedInvocations,
    replayedInvocations,
    firstDifference,
    matchingFaults: matchingPrefix(storedFaults, replayedFaults),
    storedFaults: storedFaults.length,
    replayedFaults: replayedFaults.length,
  };
}

export function describeDivergence(divergence: ScheduleDivergence): string {
  const percent = divergence.storedInvocations === 0 ? 100 : (100 * divergence.matchingInvocations) / divergence.storedInvocations;
  const lines = [
    `  ops: ${divergence.matchingInvocations} of ${divergence.storedInvocations} stored invocations replayed the same, in each process's order (${percent.toFixed(1)}%); the replay made ${divergence.replayedInvocations}` +
      (divergence.firstDifference === null ? '' : `; first difference at ${divergence.firstDifference}`),
    `  faults: the first ${divergence.matchingFaults} of ${divergence.storedFaults} stored nemesis events replayed the same (the replay had ${divergence.replayedFaults})`,
    '  On a real runtime timing differs between runs, so which ops complete, and when, may differ; the schedule of ops and faults is the same.',
  ];
  return `${lines.join('\n')}\n`;
}
