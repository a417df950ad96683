/**
 * When a run's violation first showed, and which checkers found one: what
 * bench:detect reports and what shrink keeps (a candidate must fail the same
 * checkers) and cuts at (faults after the first violation cannot have caused
 * it).
 */
import type { CheckerResult } from '../../checkers/checker.js';
import type { RunResults } from './check-run.js';

/** Seconds into the run of the first violation a checker points at; the run's end when none says. */
export function firstViolationSeconds(results: RunResults, run: { invariantViolation?: string; durationMs: number }): number {
  if (run.invariantViolation !== undefined) return run.durationMs / 1000;
  const times: number[] = [];
  for (const result of Object.values(results.checkers) as CheckerResult[]) {
    if (result.valid !== false || result.expectedUnder !== undefined) continue;
    const anomaly = result.anomalies[0] as { operation?: { returnSeconds?: number; callSeconds?: number } } | undefined;
    const seconds = anomaly?.operation?.returnSeconds ?? anomaly?.operation?.callSeconds ?? latestMoment(anomaly);
    times.push(seconds ?? run.durationMs / 1000);
  }
  return times.length === 0 ? run.durationMs / 1000 : Math.min(...times);
}

/** The checkers whose violation counts toward the run's verdict (not those expected under its read mode). */
export function violatedCheckers(results: RunResults): string[] {
  return Object.entries(results.checkers)
    .filter(([, result]) => result.valid === false && result.expectedUnder === undefined)
    .map(([name]) => name)
    .sort();
}

/** An anomaly is witnessed when the last operation it names completes: the latest time it mentions. */
function latestMoment(anomaly: unknown): number | undefined {
  const times = [...JSON.stringify(anomaly ?? null).matchAll(/"(?:seconds|returnSeconds|callSeconds)":([0-9.]+)/g)].map((match) => Number(match[1]));
  return times.length === 0 ? undefined : Math.max(...times);
}
