/**
 * `faultline test` as a function: resolve the config, make the run directory,
 * run, check, and store results.json. The CLI only parses flags and prints.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { CheckerResult } from '../../checkers/checker.js';
import { workloadNamed } from '../../workloads/registry.js';
import { loadCheckerInput, runCheckers, type RunResults } from './check-run.js';
import type { RunConfig } from './config.js';
import { createRunDirectory, FILES } from './run-store.js';
import { runOnSimulator, type Progress, type SimRunReport } from './sim-run.js';

export interface TestRunOutcome {
  config: RunConfig;
  directory: string;
  results: RunResults;
  report: SimRunReport;
}

/** Limits for the check stage of a run, so a pathological history ends as unknown. */
const CHECK_TIMEOUT_MS = 120_000;

export async function runTest(config: RunConfig, startedAt: Date, progress: Progress): Promise<TestRunOutcome> {
  const directory = createRunDirectory(config, startedAt);
  let report: SimRunReport;
  try {
    report = await runOnSimulator(config, directory, progress);
  } finally {
    directory.close();
  }
  const results = await checkRunDirectory(directory.path, config, report.invariantViolation, report.incomplete);
  return { config, directory: directory.path, results, report };
}

/** Runs the workload's checkers on a stored run and writes its results.json. */
export async function checkRunDirectory(path: string, config: RunConfig, invariantViolation?: string, incomplete?: string): Promise<RunResults> {
  const input = await loadCheckerInput(path);
  const workload = workloadNamed(config.workload);
  const results = runCheckers(input, workload.checkers, { timeoutMs: CHECK_TIMEOUT_MS }, incomplete);
  const stored = readStoredInvariants(path);
  const violation = invariantViolation ?? stored;
  if (violation !== undefined) {
    const invariants: CheckerResult = {
      checker: 'consensus-invariants',
      valid: false,
      anomalies: [violation],
      stats: {},
      sentence: violation,
    };
    results.checkers['consensus-invariants'] = invariants;
    results.valid = false;
  }
  writeResults(path, results);
  return results;
}

function readStoredInvariants(path: string): string | undefined {
  try {
    const previous = JSON.parse(readFileSync(`${path}/${FILES.results}`, 'utf8')) as RunResults;
    const stored = previous.checkers['consensus-invariants'];
    return stored === undefined ? undefined : String(stored.sentence);
  } catch {
    return undefined;
  }
}

function writeResults(path: string, results: RunResults): void {
  writeFileSync(`${path}/${FILES.results}`, `${JSON.stringify(results, null, 2)}\n`);
}
