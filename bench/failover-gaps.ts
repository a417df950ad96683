/**
 * How long writes stop when the leader dies: for every kill of exactly one
 * node that the role samples say was leading, the time from the kill to the
 * first ok write (or cas) invoked after it. A pure function of a stored run's
 * history and role samples, so the benchmark and its test share it.
 */
import type { RoleSample } from '../checkers/checker.js';
import type { HistoryEvent } from '../common/history/index.js';

export interface LeaderKillGap {
  /** Nanoseconds since run start. */
  killTime: number;
  node: string;
  /** From the kill to the first ok write invoked after it; null when none came before the history ended. */
  gapMs: number | null;
}

const WRITE_FUNCTIONS = new Set(['write', 'cas']);

export function leaderKillGaps(events: readonly HistoryEvent[], roles: readonly RoleSample[]): LeaderKillGap[] {
  const gaps: LeaderKillGap[] = [];
  const invokeTimes = new Map<unknown, number>();
  const writesOk: { invokeTime: number; returnTime: number }[] = [];
  for (const event of events) {
    if (event.process === 'nemesis' || event.time === undefined) continue;
    if (event.type === 'invoke') invokeTimes.set(event.process, event.time);
    else if (event.type === 'ok' && WRITE_FUNCTIONS.has(event.f)) {
      const invokeTime = invokeTimes.get(event.process);
      if (invokeTime !== undefined) writesOk.push({ invokeTime, returnTime: event.time });
    }
  }
  for (const event of events) {
    if (event.process !== 'nemesis' || event.f !== 'start-kill' || event.time === undefined) continue;
    const nodes = (event.value as { nodes?: unknown } | undefined)?.nodes;
    if (!Array.isArray(nodes) || nodes.length !== 1 || typeof nodes[0] !== 'string') continue;
    const node = nodes[0];
    if (roleAt(roles, node, event.time) !== 'leader') continue;
    const killTime = event.time;
    let firstReturn = Infinity;
    for (const write of writesOk) if (write.invokeTime >= killTime && write.returnTime < firstReturn) firstReturn = write.returnTime;
    gaps.push({ killTime, node, gapMs: Number.isFinite(firstReturn) ? (firstReturn - killTime) / 1e6 : null });
  }
  return gaps;
}

/** The node's role in its last sample at or before the time, or null without one. */
function roleAt(roles: readonly RoleSample[], node: string, time: number): string | null {
  let role: string | null = null;
  let latest = -Infinity;
  for (const sample of roles) {
    if (sample.node === node && sample.time <= time && sample.time >= latest) {
      latest = sample.time;
      role = sample.role;
    }
  }
  return role;
}
