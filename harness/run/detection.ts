/**
 * When a run's violation first showed, and which checkers found one and of
 * what kind: what bench:detect reports and what shrink keeps (a candidate
 * must fail a checker of the original with an anomaly of the same shape)
 * and cuts at (faults after the first violation cannot have caused it).
 */
import type { CheckerResult } from '../../checkers/checker.js';
import { comparedShape, shapesOf } from '../../reports/index.js';
import type { RunResults } from './check-run.js';

/**
 * Seconds into the run of the first violation a checker points at; the run's end when none says. Every anomaly
 * counts, not a checker's first: checkers list theirs by key, so the first listed is not the first seen.
 */
export function firstViolationSeconds(results: RunResults, run: { invariantViolation?: string; durationMs: number }): number {
  const endSeconds = run.durationMs / 1000;
  if (run.invariantViolation !== undefined) return endSeconds;
  const times: number[] = [];
  for (const result of Object.values(results.checkers) as CheckerResult[]) {
    if (result.valid !== false || result.expectedUnder !== undefined) continue;
    const moments = result.anomalies.map(witnessedSeconds).filter((seconds): seconds is number => seconds !== undefined);
    times.push(moments.length === 0 ? endSeconds : Math.min(...moments));
  }
  return times.length === 0 ? endSeconds : Math.min(...times);
}

/** When an anomaly showed: its operation's return (or call), else the latest time it mentions. */
function witnessedSeconds(anomaly: unknown): number | undefined {
  const operation = (anomaly as { operation?: { returnSeconds?: number; callSeconds?: number } } | null)?.operation;
  return operation?.returnSeconds ?? operation?.callSeconds ?? latestMoment(anomaly);
}

/** The checkers whose violation counts toward the run's verdict (not those expected under its read mode). */
export function violatedCheckers(results: RunResults): string[] {
  return Object.entries(results.checkers)
    .filter(([, result]) => result.valid === false && result.expectedUnder === undefined)
    .map(([name]) => name)
    .sort();
}

/**
 * Each counted violation as "checker: shape", in the checker's own words
 * (reports/anomaly-shapes.ts, as `faultline index` groups them): the kinds of
 * anomaly a shrunk run must keep showing.
 */
export function violationKinds(results: RunResults): string[] {
  return kindsOf(results, (_checker, shape) => shape);
}

/**
 * The kinds as shrink compares them: one anomaly counts as one kind whichever
 * operation observed it (reports' comparedShape), so a smaller run that shows
 * the original's stale value through a read instead of a cas is kept.
 */
export function comparedKinds(results: RunResults): string[] {
  return kindsOf(results, comparedShape);
}

function kindsOf(results: RunResults, shapeAs: (checker: string, shape: string) => string): string[] {
  const kinds = new Set<string>();
  for (const checker of violatedCheckers(results)) {
    const result = results.checkers[checker] as CheckerResult;
    for (const { shape } of shapesOf(checker, result.anomalies, result.sentence ?? '')) kinds.add(`${checker}: ${shapeAs(checker, shape)}`);
  }
  return [...kinds].sort();
}

/** An anomaly is witnessed when the last operation it names completes: the latest time it mentions. */
function latestMoment(anomaly: unknown): number | undefined {
  const times = [...JSON.stringify(anomaly ?? null).matchAll(/"(?:seconds|returnSeconds|callSeconds)":([0-9.]+)/g)].map((match) => Number(match[1]));
  return times.length === 0 ? undefined : Math.max(...times);
}
