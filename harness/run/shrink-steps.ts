/**
 * The smaller runs shrink tries, as pure functions of the current smallest
 * failing config: drop faults (delta debugging over the schedule), cut the
 * run short after its first violation, shorten the time limit (to any tenth
 * of a second between one and the run's length once no fault is left),
 * close the quiet gap before each fault, shorter warm-up and recovery, fewer workers,
 * fewer keys, a lower rate, and shorter faults (all together, then each
 * alone). Each returns candidates from the boldest to the most cautious;
 * shrink keeps the first that still fails. A candidate whose schedule a
 * user could not write (two faults on one resource at once) is never tried.
 */
import { UsageError } from '../../common/errors.js';
import type { RunConfig, ScheduledFaultData } from '../../common/run-config.js';
import { checkSchedule, nemesisOfSchedule } from '../../nemesis/index.js';
import { nodeNames } from './streams.js';

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
 * A lighter run around the same faults, one kind of change per step, in the
 * order shrink tries them: a shorter faults phase, the faults sooner (the
 * quiet gap before each closed), a shorter warm-up (the faults move earlier
 * with it), a shorter recovery, fewer workers and keys, a lower rate, and
 * last shorter faults (tried first they kept shorter faults that then
 * blocked larger cuts).
 */
export const LOAD_STEPS: readonly ((config: RunConfig) => Candidate[])[] = [
  shorterTimeLimits,
  soonerFaults,
  shorterWarmup,
  (config) => smallerValues(config.recoverySeconds, 0, true).map((seconds) => ({ config: { ...config, recoverySeconds: seconds }, change: `recovery ${config.recoverySeconds} s -> ${seconds} s` })),
  (config) => smallerValues(config.concurrency, 1, true).map((workers) => ({ config: { ...config, concurrency: workers }, change: `workers ${config.concurrency} -> ${workers}` })),
  (config) => smallerValues(config.keys, 1, true).map((keys) => ({ config: { ...config, keys }, change: `keys ${config.keys} -> ${keys}` })),
  (config) => smallerValues(config.rate, 1, false).map((rate) => ({ config: { ...config, rate }, change: `rate ${config.rate} -> ${rate} ops/s` })),
  shorterFaults,
];

function shorterWarmup(config: RunConfig): Candidate[] {
  const schedule = config.schedule ?? [];
  return smallerValues(config.warmupSeconds, 0, true).map((seconds) => {
    const shiftMs = (config.warmupSeconds - seconds) * 1000;
    const moved = schedule.map((fault) => ({ ...fault, atMs: fault.atMs - shiftMs }));
    return { config: { ...config, warmupSeconds: seconds, ...(config.schedule === undefined ? {} : { schedule: moved }) }, change: `warm-up ${config.warmupSeconds} s -> ${seconds} s` };
  });
}

/**
 * Every fault half or three quarters as long, then (with more than one) each
 * fault alone half as long: one fault may have to outlast a timeout while
 * another need not.
 */
function shorterFaults(config: RunConfig): Candidate[] {
  const schedule = config.schedule ?? [];
  const longestMs = Math.max(0, ...schedule.map((fault) => fault.durationMs));
  const scaled = (fault: ScheduledFaultData, factor: number): ScheduledFaultData => ({ ...fault, durationMs: Math.max(100, Math.round(fault.durationMs * factor)) });
  const everyFault = [0.5, 0.75]
    .filter(() => longestMs >= 200)
    .map((factor) => ({ config: { ...config, schedule: schedule.map((fault) => scaled(fault, factor)) }, change: `faults ${factor === 0.5 ? 'half' : 'three quarters'} as long` }));
  const eachFault = schedule
    .filter((fault) => schedule.length > 1 && fault.durationMs >= 200)
    .map((fault) => ({ config: { ...config, schedule: schedule.map((other) => (other === fault ? scaled(other, 0.5) : other)) }, change: `fault #${schedule.indexOf(fault) + 1} ${fault.kind} half as long` }));
  return [...everyFault, ...eachFault];
}

/**
 * A shorter faults phase, in tenths of a second: the shortest that still
 * holds every fault, then halfway and three quarters of the way back. The
 * run need not last until its violation returns, only until the operations
 * that show it were invoked, so a run without faults is cut between a
 * second and its length too, not only to the shortest.
 */
function shorterTimeLimits(config: RunConfig): Candidate[] {
  const shortest = timeLimitFor(config, config.schedule ?? []);
  const span = config.timeLimitSeconds - shortest;
  const limits = [0, 1 / 2, 3 / 4].map((fraction) => Math.max(shortest, Math.floor((shortest + span * fraction) * 10) / 10));
  return [...new Set(limits)].filter((seconds) => seconds < config.timeLimitSeconds).map((seconds) => ({ config: { ...config, timeLimitSeconds: seconds }, change: `time limit ${config.timeLimitSeconds} s -> ${seconds} s` }));
}

/** A moved fault starts this long after the one it closes up to: back to back, a restart or heal and the next fault in one millisecond would read as one longer fault. */
const SPACING_MS = 100;

/**
 * The same faults sooner: the quiet time before each fault (since the
 * warm-up, or since the faults before it ended; since the fault before it
 * started when they overlap) closed, or halved, moving every later fault
 * with it, so the run reaches the sequence that fails in less time. Shifts
 * under a second are not worth a run; a shift that would overlap two faults
 * on one resource is not tried.
 */
function soonerFaults(config: RunConfig): Candidate[] {
  const schedule = config.schedule ?? [];
  const order = [...schedule].sort((first, second) => first.atMs - second.atMs);
  const candidates: Candidate[] = [];
  for (const [index, fault] of order.entries()) {
    const earlier = order.slice(0, index);
    const quietFromMs = Math.max(config.warmupSeconds * 1000, ...earlier.map((other) => other.atMs + other.durationMs));
    const anchorMs = quietFromMs <= fault.atMs ? quietFromMs : earlier[earlier.length - 1]!.atMs;
    const leadMs = fault.atMs - anchorMs - (index === 0 ? 0 : SPACING_MS);
    for (const shiftMs of [...new Set([leadMs, Math.floor(leadMs / 2)])].filter((shift) => shift >= 1000)) {
      const moved = schedule.map((other) => (other.atMs >= fault.atMs ? { ...other, atMs: other.atMs - shiftMs } : other));
      const which = index === 0 ? 'faults' : `fault #${schedule.indexOf(fault) + 1} ${fault.kind} and those after it`;
      candidates.push({ config: { ...config, schedule: moved }, change: `${which} ${(shiftMs / 1000).toFixed(1)} s sooner` });
    }
  }
  return candidates.filter((candidate) => fitsRun(candidate.config));
}

/** Whether the config's schedule passes the checks a schedule given as data must (nemesis/scripted-checks.ts): in the faults phase, no two faults on one resource at once. */
function fitsRun(config: RunConfig): boolean {
  const window = { nodes: nodeNames(config.nodes), fromMs: config.warmupSeconds * 1000, untilMs: (config.warmupSeconds + config.timeLimitSeconds) * 1000 };
  try {
    checkSchedule(config.schedule ?? [], window);
    return true;
  } catch (error) {
    if (error instanceof UsageError) return false;
    throw error;
  }
}
