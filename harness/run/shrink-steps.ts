/**
 * The smaller runs shrink tries, as pure functions of the current smallest
 * failing config: drop faults (delta debugging over the schedule), cut the
 * run short after its first violation, shorten the time limit, fewer
 * workers, fewer keys, a lower rate. Each returns candidates from the
 * boldest to the most cautious; shrink keeps the first that still fails.
 */
import type { RunConfig, ScheduledFaultData } from '../../common/run-config.js';
import { nemesisOfSchedule } from '../../nemesis/index.js';

export type Candidate = { config: RunConfig; change: string };

/** The faults phase must still hold every fault; at least a second of it. */
function timeLimitFor(config: RunConfig, schedule: readonly ScheduledFaultData[]): number {
  const lastEndMs = Math.max(0, ...schedule.map((fault) => fault.atMs + fault.durationMs));
  return Math.max(1, Math.ceil((lastEndMs - config.warmupSeconds * 1000) / 1000));
}

function withSchedule(config: RunConfig, schedule: ScheduledFaultData[], change: string): Candidate {
  return { config: { ...config, schedule, nemesis: nemesisOfSchedule(schedule) }, change };
}

/**
 * Faults that start after the first violation cannot have caused it: drop
 * them and end the faults phase `marginMs` after it (in whole tenths of a
 * second), clipping the faults still active then. A second's margin leaves
 * room for later steps to slow the run down; a tenth of one is a last step.
 */
export function cutAfter(config: RunConfig, violationMs: number, marginMs: number): Candidate | undefined {
  const warmupMs = config.warmupSeconds * 1000;
  const timeLimitSeconds = Math.max(1, Math.ceil((violationMs + marginMs - warmupMs) / 100) / 10);
  const endMs = Math.floor(warmupMs + timeLimitSeconds * 1000);
  const schedule = (config.schedule ?? []).filter((fault) => fault.atMs < Math.min(violationMs, endMs));
  if (timeLimitSeconds >= config.timeLimitSeconds && schedule.length === (config.schedule ?? []).length) return undefined;
  const clipped = schedule.map((fault) => ({ ...fault, durationMs: Math.max(1, Math.min(fault.durationMs, endMs - fault.atMs)) }));
  const limit = Math.min(timeLimitSeconds, config.timeLimitSeconds);
  const change = `cut ${(limit + config.warmupSeconds - violationMs / 1000).toFixed(1)} s after the first violation at ${(violationMs / 1000).toFixed(1)} s`;
  return { config: { ...withSchedule(config, clipped, '').config, timeLimitSeconds: limit }, change };
}

/**
 * Delta debugging over the schedule: with n chunks, try each chunk alone,
 * then each complement; the caller keeps the first that fails and asks
 * again. granularity grows when no candidate failed.
 */
export function dropFaults(config: RunConfig, granularity: number): Candidate[] {
  const schedule = config.schedule ?? [];
  if (schedule.length === 0) return [];
  const chunks = Math.min(granularity, schedule.length);
  const size = Math.ceil(schedule.length / chunks);
  const parts = Array.from({ length: chunks }, (_, index) => schedule.slice(index * size, (index + 1) * size)).filter((part) => part.length > 0);
  const candidates: Candidate[] = [withSchedule(config, [], 'no faults at all')];
  if (parts.length > 1) for (const [index, part] of parts.entries()) candidates.push(withSchedule(config, part, `only faults ${describe(schedule, part)} (part ${index + 1} of ${parts.length})`));
  for (const part of parts) {
    const rest = schedule.filter((fault) => !part.includes(fault));
    if (rest.length > 0 || parts.length === 1) candidates.push(withSchedule(config, rest, `without faults ${describe(schedule, part)}`));
  }
  return candidates;
}

function describe(schedule: readonly ScheduledFaultData[], part: readonly ScheduledFaultData[]): string {
  return part.map((fault) => `#${schedule.indexOf(fault) + 1} ${fault.kind}`).join(', ');
}

/** A smaller value to try after `value`, boldest first: a half, then three quarters (never below minimum). */
function smallerValues(value: number, minimum: number, whole: boolean): number[] {
  const round = (candidate: number): number => (whole ? Math.floor(candidate) : Math.round(candidate * 10) / 10);
  return [...new Set([round(value / 2), round((value * 3) / 4)].map((candidate) => Math.max(minimum, candidate)))].filter((candidate) => candidate < value);
}

/**
 * A lighter run around the same faults: a shorter faults phase that still
 * holds every fault, a shorter warm-up (the faults move earlier with it), a
 * shorter recovery, fewer workers and keys, a lower rate.
 */
export function smallerLoad(config: RunConfig): Candidate[] {
  const candidates: Candidate[] = [];
  const schedule = config.schedule ?? [];
  const shortest = timeLimitFor(config, schedule);
  if (shortest < config.timeLimitSeconds) candidates.push({ config: { ...config, timeLimitSeconds: shortest }, change: `time limit ${config.timeLimitSeconds} s -> ${shortest} s` });
  else if (schedule.length === 0) for (const seconds of smallerValues(config.timeLimitSeconds, 1, true)) candidates.push({ config: { ...config, timeLimitSeconds: seconds }, change: `time limit ${config.timeLimitSeconds} s -> ${seconds} s` });
  // The same faults sooner: the run before the first fault shrinks, and the time limit after it.
  const leadMs = schedule.length === 0 ? 0 : Math.min(...schedule.map((fault) => fault.atMs)) - config.warmupSeconds * 1000;
  for (const shiftMs of [...new Set([leadMs, Math.floor(leadMs / 2)])].filter((shift) => shift >= 1000)) {
    const moved = schedule.map((fault) => ({ ...fault, atMs: fault.atMs - shiftMs }));
    candidates.push({ config: { ...config, schedule: moved }, change: `faults ${(shiftMs / 1000).toFixed(1)} s sooner` });
  }
  for (const seconds of smallerValues(config.warmupSeconds, 0, true)) {
    const shiftMs = (config.warmupSeconds - seconds) * 1000;
    const moved = schedule.map((fault) => ({ ...fault, atMs: fault.atMs - shiftMs }));
    candidates.push({ config: { ...config, warmupSeconds: seconds, ...(config.schedule === undefined ? {} : { schedule: moved }) }, change: `warm-up ${config.warmupSeconds} s -> ${seconds} s` });
  }
  for (const seconds of smallerValues(config.recoverySeconds, 0, true)) candidates.push({ config: { ...config, recoverySeconds: seconds }, change: `recovery ${config.recoverySeconds} s -> ${seconds} s` });
  for (const workers of smallerValues(config.concurrency, 1, true)) candidates.push({ config: { ...config, concurrency: workers }, change: `workers ${config.concurrency} -> ${workers}` });
  for (const keys of smallerValues(config.keys, 1, true)) candidates.push({ config: { ...config, keys }, change: `keys ${config.keys} -> ${keys}` });
  for (const rate of smallerValues(config.rate, 1, false)) candidates.push({ config: { ...config, rate }, change: `rate ${config.rate} -> ${rate} ops/s` });
  // Last: shorter faults, so the run can end sooner after them.
  const longestMs = Math.max(0, ...schedule.map((fault) => fault.durationMs));
  for (const factor of [0.5, 0.75].filter(() => longestMs >= 200)) {
    const shorter = schedule.map((fault) => ({ ...fault, durationMs: Math.max(100, Math.round(fault.durationMs * factor)) }));
    candidates.push({ config: { ...config, schedule: shorter }, change: `faults ${factor === 0.5 ? 'half' : 'three quarters'} as long` });
  }
  return candidates;
}
