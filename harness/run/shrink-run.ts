/**
 * `faultline shrink <run>` as a function: read the failing run, try smaller
 * candidates as full runs in a scratch folder beside it (shrink.ts decides
 * which), and store the smallest failing one as a normal run directory next
 * to the original, whose config says what it was shrunk from and whose
 * report says so. The original run is not touched.
 */
import { existsSync, readFileSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FaultlineError } from '../../common/errors.js';
import type { RunConfig } from '../../common/run-config.js';
import { writeRunReport } from '../../reports/index.js';
import type { RunResults } from './check-run.js';
import { comparedKinds, firstViolationSeconds } from './detection.js';
import { runTest } from './execute.js';
import { FILES, readRunConfig } from './run-store.js';
import { shrinkRun, type ShrinkBounds, type ShrinkResult, type Trial } from './shrink.js';

/** Seeds other than the kept one a candidate is tried at on the simulator when it passes at the kept seed (shrink-trials.ts). */
const SIMULATOR_OTHER_SEEDS = 2;

export interface ShrinkOptions {
  maxRuns: number;
  timeBudgetMs: number;
  /** On a real runtime, how often each candidate is tried; it fails when any try fails. */
  tries: number;
  stopped(): boolean;
  progress(line: string): void;
}

/** A run's size as the shrunk report states it. */
export interface RunSize {
  run: string;
  operations: number;
  faults: number;
  timeLimitSeconds: number;
}

export interface ShrinkOutcome extends ShrinkResult {
  original: RunSize;
  /** The smallest failing run, stored as a run directory; absent when none was found. */
  shrunk?: RunSize & { directory: string };
  wallMs: number;
}

export async function shrinkStoredRun(given: string, options: ShrinkOptions): Promise<ShrinkOutcome> {
  const startedMs = performance.now();
  // runs/latest is a link: the shrunk run goes beside the run it points at.
  const runDirectory = existsSync(given) ? realpathSync(given) : given;
  const config = readRunConfig(runDirectory);
  const results = readResults(runDirectory);
  const violated = comparedKinds(results);
  if (violated.length === 0) {
    throw new FaultlineError('E_USAGE', `the run found no violation (verdict ${String(results.valid)}): there is nothing to shrink`, { where: runDirectory, hint: 'shrink a run whose verdict is VIOLATION' });
  }
  const original: RunSize = { run: runDirectory, operations: countOperations(runDirectory), faults: (config.schedule ?? config.faultSchedule ?? []).length, timeLimitSeconds: config.timeLimitSeconds };
  const scratch = join(dirname(runDirectory), `.shrink-${basename(runDirectory)}-${process.pid}`);
  const tries = config.runtime === 'sim' ? 1 : Math.max(1, options.tries);
  // On the simulator another seed is what another try is on a real runtime (see shrink.ts).
  const otherSeeds = config.runtime === 'sim' ? SIMULATOR_OTHER_SEEDS : 0;
  const bounds: ShrinkBounds = { maxRuns: options.maxRuns, timeBudgetMs: options.timeBudgetMs, nowMs: () => performance.now(), stopped: options.stopped, progress: options.progress, otherSeeds, deterministic: config.runtime === 'sim' };
  try {
    const result = await shrinkRun(config, violated, (candidate) => attempt(candidate, scratch, tries, options.stopped), (trial) => rmSync(trial.directory, { recursive: true, force: true }), bounds);
    const outcome: ShrinkOutcome = { ...result, original, wallMs: 0 };
    if (result.smallest !== undefined && !result.notReproduced) outcome.shrunk = await keep(result.smallest, original, runDirectory, result);
    outcome.wallMs = performance.now() - startedMs;
    return outcome;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** One candidate: a full run (several on a real runtime, where the same config need not fail the same way twice). */
async function attempt(config: RunConfig, scratch: string, tries: number, stopped: () => boolean): Promise<Trial> {
  let last: Trial | undefined;
  for (let attemptIndex = 0; attemptIndex < tries; attemptIndex++) {
    const outcome = await runTest({ ...config, out: scratch, faultSchedule: undefined }, new Date(), () => !stopped(), undefined, { drawReport: false });
    if (last !== undefined) rmSync(last.directory, { recursive: true, force: true });
    const violated = outcome.report.incomplete?.startsWith('interrupted') === true ? [] : comparedKinds(outcome.results);
    last = { violated, operations: countOperations(outcome.directory), violationMs: firstViolationSeconds(outcome.results, outcome.report) * 1000, directory: outcome.directory };
    if (violated.length > 0) return last;
  }
  return last as Trial;
}

/** Moves the smallest failing run next to the original, says in its config what it was shrunk from, and draws its report again. */
async function keep(smallest: NonNullable<ShrinkResult['smallest']>, original: RunSize, runDirectory: string, result: ShrinkResult): Promise<RunSize & { directory: string }> {
  let directory = `${runDirectory}-shrunk`;
  for (let attemptIndex = 2; existsSync(directory); attemptIndex++) directory = `${runDirectory}-shrunk-${attemptIndex}`;
  renameSync(smallest.trial.directory, directory);
  const stored = JSON.parse(readFileSync(join(directory, FILES.config), 'utf8')) as RunConfig;
  const size: RunSize = { run: directory, operations: smallest.trial.operations, faults: (smallest.config.schedule ?? []).length, timeLimitSeconds: smallest.config.timeLimitSeconds };
  const shrunkFrom = { ...original, runs: result.runs, steps: result.steps };
  writeFileSync(join(directory, FILES.config), `${JSON.stringify({ ...stored, out: dirname(runDirectory), shrunkFrom }, null, 2)}\n`);
  await writeRunReport(directory);
  return { ...size, directory };
}

function readResults(runDirectory: string): RunResults {
  try {
    return JSON.parse(readFileSync(join(runDirectory, FILES.results), 'utf8')) as RunResults;
  } catch {
    throw new FaultlineError('E_INPUT', 'the run has no results.json: check it first (faultline check <run>)', { where: runDirectory });
  }
}

/** Client operations invoked, from the history (nemesis events are not operations). */
function countOperations(runDirectory: string): number {
  let count = 0;
  for (const line of readFileSync(join(runDirectory, FILES.history), 'utf8').split('\n')) if (line.includes('"type":"invoke"') && !line.includes('"process":"nemesis"')) count += 1;
  return count;
}
