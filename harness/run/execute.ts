/**
 * `faultline test` as a function: resolve the config, make the run directory,
 * run, check, and store results.json. The CLI only parses flags and prints.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { CheckerResult } from '../../checkers/checker.js';
import { CONSENSUS_INVARIANTS } from '../../common/invariant-violation.js';
import { workloadNamed } from '../../workloads/registry.js';
import { writeRunReport } from '../../reports/index.js';
import { loadCheckerInput, runCheckers, type RunResults } from './check-run.js';
import type { RunConfig } from './config.js';
import { createRunDirectory, FILES } from './run-store.js';
import { runOnCluster, type ClusterRunReport } from './cluster-run.js';
import type { Progress } from './pipeline.js';
import { IGNORE_PHASES, type PhaseListener } from './phases.js';
import { readModeJudged } from './read-promise.js';

/** How the run itself went, whatever the runtime; an infrastructure error as its message (exit code 4). */
export type RunReport = Omit<ClusterRunReport, 'infrastructureError'> & { infrastructureError?: string };

export interface TestRunOutcome {
  config: RunConfig;
  directory: string;
  results: RunResults;
  report: RunReport;
}

/** Limits for the check stage of a run, so a pathological history ends as unknown. */
const CHECK_TIMEOUT_MS = 120_000;

/** What a run stores besides its history and results. */
export interface RunTestOptions {
  /** False for a run nobody reads unless it is kept (a shrink candidate): report.html is drawn only when kept. */
  drawReport?: boolean;
}

/** Runs one test; phases hears each stage as it begins (the simulator's run is one stage: it takes seconds). */
export async function runTest(config: RunConfig, startedAt: Date, progress: Progress, phases: PhaseListener = IGNORE_PHASES, options: RunTestOptions = {}): Promise<TestRunOutcome> {
  const directory = createRunDirectory(config, startedAt);
  let report: RunReport;
  try {
    const { infrastructureError, ...ran } = await runOnCluster(config, directory, progress, phases);
    report = { ...ran, ...(infrastructureError === undefined ? {} : { infrastructureError: infrastructureError.message }) };
  } finally {
    directory.close();
  }
  phases({ phase: 'checking', detail: `${report.events} events` });
  const results = await checkRunDirectory(directory.path, config, report.invariantViolation, report.incomplete, options.drawReport ?? true);
  return { config, directory: directory.path, results, report };
}

/** Runs the workload's checkers on a stored run and writes its results.json. */
export async function checkRunDirectory(path: string, config: RunConfig, invariantViolation?: string, incomplete?: string, drawReport = true): Promise<RunResults> {
  const { input, cut } = await loadCheckerInput(path);
  const workload = workloadNamed(config.workload);
  // A history cut mid-line means the run was killed: what it holds is judged, and a pass is at best unknown.
  const cutShort = [incomplete, cut].filter((reason) => reason !== undefined).join('; ');
  // Register reads are judged by what the run's read mode promises, read from the system's description.
  // Checkers of recorded state (the final ephemerals) judge only runs that recorded it.
  const checkerNames = input.finalEphemerals === undefined ? workload.checkers : [...workload.checkers, ...(workload.recordedStateCheckers ?? [])];
  const results = runCheckers(input, checkerNames, { timeoutMs: CHECK_TIMEOUT_MS }, cutShort === '' ? undefined : cutShort, readModeJudged(config));
  const stored = readStoredInvariants(path);
  const violation = invariantViolation ?? stored;
  if (violation !== undefined) {
    const invariants: CheckerResult = {
      checker: CONSENSUS_INVARIANTS,
      valid: false,
      anomalies: [violation],
      stats: {},
      sentence: violation,
    };
    results.checkers[CONSENSUS_INVARIANTS] = invariants;
    results.valid = false;
  }
  writeResults(path, results);
  if (drawReport) await writeReport(path);
  return results;
}

/** The report is for people: one that cannot be drawn must not cost the run its verdict. */
async function writeReport(path: string): Promise<void> {
  try {
    await writeRunReport(path);
  } catch (error) {
    process.stderr.write(`faultline: the run's report.html could not be written (${(error as Error).message}); the results stand\n`);
  }
}

function readStoredInvariants(path: string): string | undefined {
  try {
    const previous = JSON.parse(readFileSync(`${path}/${FILES.results}`, 'utf8')) as RunResults;
    const stored = previous.checkers[CONSENSUS_INVARIANTS];
    return stored === undefined ? undefined : String(stored.sentence);
  } catch {
    return undefined;
  }
}

function writeResults(path: string, results: RunResults): void {
  writeFileSync(`${path}/${FILES.results}`, `${JSON.stringify(results, null, 2)}\n`);
}
