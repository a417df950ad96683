/**
 * Judging a run by what its read mode promises (DESIGN.md, Seams): the
 * checker of the promised property decides; a stronger property the mode
 * does not promise is still checked and shown, marked expected under the
 * mode, and does not fail the run. The harness hands the read mode over as
 * data (ReadModeJudged): checkers never look a system up.
 */
import type { CheckerResult, ReadPromise } from '../checker.js';
import { SEQUENTIAL_READS } from './sequential.js';
import { WRITTEN_VALUES } from './written-values.js';

export const READ_PROMISES: readonly ReadPromise[] = ['linearizable', 'sequential', 'serializable'];

/** The run's read mode, as results.json records it. */
export interface ReadModeJudged {
  /** The mode's name as the system calls it ("local", "serializable", "sequential"). */
  name: string;
  promises: ReadPromise;
  /** The system's one line about the mode. */
  summary?: string;
  /** Set when the promise could not be read from the system (a system this build does not know). */
  note?: string;
}

/** Each promise in words, for the report and the CLI. */
export const PROMISE_WORDS: Readonly<Record<ReadPromise, string>> = {
  linearizable: 'every read sees every write that completed before the read began',
  sequential: 'reads may be stale, but each client sees a key move only forward and sees its own writes',
  serializable: 'reads may be stale by any amount, with no promise across reads, but they return written values',
};

/** Checkers that judge register reads as linearizable, by the workloads' checker names. */
const LINEARIZABLE_READ_CHECKERS: readonly string[] = ['linearizability:cas-register'];

/** What judges each promise in their place when the promise is weaker. */
const PROMISED_CHECKERS: Readonly<Record<ReadPromise, readonly string[]>> = {
  linearizable: [],
  sequential: [WRITTEN_VALUES, SEQUENTIAL_READS],
  serializable: [WRITTEN_VALUES],
};

export interface PromisePlan {
  /** Every checker to run, in order. */
  checkers: string[];
  /** Those whose property the mode does not promise: shown, not counted. */
  expected: string[];
}

/** Which checkers run, and which are expected to fail, for a workload's checkers under a promise. */
export function planForPromise(workloadCheckers: readonly string[], promise: ReadPromise): PromisePlan {
  const expected = promise === 'linearizable' ? [] : workloadCheckers.filter((name) => LINEARIZABLE_READ_CHECKERS.includes(name));
  if (expected.length === 0) return { checkers: [...workloadCheckers], expected: [] };
  const added = PROMISED_CHECKERS[promise].filter((name) => !workloadCheckers.includes(name));
  const position = workloadCheckers.indexOf(expected[0]!) + 1;
  return { checkers: [...workloadCheckers.slice(0, position), ...added, ...workloadCheckers.slice(position)], expected };
}

/** The results with the plan's expected ones marked: they stay as checked, and no longer count. */
export function markExpected(results: Record<string, CheckerResult>, plan: PromisePlan, promise: ReadPromise): Record<string, CheckerResult> {
  const marked: Record<string, CheckerResult> = {};
  for (const [name, result] of Object.entries(results)) marked[name] = plan.expected.includes(name) ? { ...result, expectedUnder: promise } : result;
  return marked;
}

/** A violation the run's read mode allows: shown as expected, not as a broken promise. */
export function isExpectedViolation(result: Pick<CheckerResult, 'valid' | 'expectedUnder'>): boolean {
  return result.valid === false && result.expectedUnder !== undefined;
}

/** A violation that breaks what the run promised. */
export function breaksPromise(result: Pick<CheckerResult, 'valid' | 'expectedUnder'>): boolean {
  return result.valid === false && result.expectedUnder === undefined;
}

/**
 * The label of an expected finding, e.g. "stale reads: expected under read
 * mode local (promises sequential: reads may be stale, ...)".
 */
export function describeExpected(promise: ReadPromise, readMode: ReadModeJudged | undefined): string {
  const name = readMode?.name ?? promise;
  const summary = readMode?.summary === undefined ? '' : `; ${readMode.summary}`;
  return `stale reads: expected under read mode ${name} (it promises ${promise}: ${PROMISE_WORDS[promise]}${summary}), so they do not fail the run`;
}

/** One line on how the run was judged, for the CLI and the report. */
export function describeJudgement(readMode: ReadModeJudged): string {
  const judged = readMode.promises === 'linearizable'
    ? 'register reads judged by linearizability'
    : `register reads judged by ${PROMISED_CHECKERS[readMode.promises].join(' and ')}; linearizability is checked and shown, not counted`;
  const note = readMode.note === undefined ? '' : ` (${readMode.note})`;
  return `read mode ${readMode.name} promises ${readMode.promises}: ${judged}${note}`;
}
