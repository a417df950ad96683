/**
 * Test helper: whole simulated runs through the one pipeline (resolveConfig,
 * then runTest), judged by the real checkers, in a temporary directory that
 * goes when the test file ends. Faults here come and go faster than the
 * simulator's default timing (an explicit, recorded faultTiming), so short
 * runs see many elections.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { temporaryDirectory } from '../../../common/testing/temporary-directory.js';
import type { HistoryEvent } from '../../../common/history/types.js';
import { resolveConfig, type RunConfig } from '../config.js';
import { runTest, type TestRunOutcome } from '../execute.js';
import { FILES } from '../run-store.js';

export const QUICK_FAULT_TIMING: RunConfig['faultTiming'] = { faultMs: { min: 300, max: 1500 }, quietMs: { min: 100, max: 600 } };

export type SimRunSettings = Partial<Omit<RunConfig, 'version' | 'seed' | 'out' | 'runtime'>>;

const out = temporaryDirectory('faultline-sim-runs-');

/** One run on the simulator; its directory is kept only while keepDirectory says so (for reading the history). */
export async function simRun(seed: number, settings: SimRunSettings): Promise<TestRunOutcome> {
  const config = resolveConfig('test', seed, { warmupSeconds: 1, recoverySeconds: 2, faultTiming: QUICK_FAULT_TIMING, ...settings, runtime: 'sim', out });
  return runTest(config, new Date(), () => {});
}

/** The checkers whose verdict is not "valid", as "name: sentence" lines; empty for a valid run. */
export function failures(outcome: TestRunOutcome): string[] {
  const lines: string[] = [];
  if (outcome.report.incomplete !== undefined) lines.push(`incomplete: ${outcome.report.incomplete}`);
  // Violations first: an "unknown" beside them (no final states after a frozen run) says less.
  const judged = Object.entries(outcome.results.checkers).sort(([, left], [, right]) => Number(left.valid !== false) - Number(right.valid !== false));
  for (const [name, result] of judged) {
    if (result.valid !== true) lines.push(`${name} (${String(result.valid)}): ${result.sentence ?? result.reason ?? ''}`);
  }
  return lines;
}

/** The checkers that judged the run invalid. */
export function invalidCheckers(outcome: TestRunOutcome): string[] {
  return Object.entries(outcome.results.checkers)
    .filter(([, result]) => result.valid === false)
    .map(([name]) => name);
}

/** The run's history, read back from history.jsonl. */
export function historyOf(outcome: TestRunOutcome): HistoryEvent[] {
  return readHistoryText(outcome)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as HistoryEvent);
}

export function readHistoryText(outcome: TestRunOutcome): string {
  return readFileSync(join(outcome.directory, FILES.history), 'utf8');
}

/** Removes a run's directory once a test has read what it needs (a sweep makes many). */
export function discard(outcome: TestRunOutcome): void {
  rmSync(outcome.directory, { recursive: true, force: true });
}
