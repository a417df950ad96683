/** What `faultline compare` prints: a compact table of the runs, or one JSON summary with --json. */
import { verdictWord, type Verdict } from '../../../checkers/checker.js';
import { availabilityOf, runPerf } from '../../../reports/index-figures.js';
import { runVerdict, type StoredRun } from '../../../reports/index-runs.js';
import { shownPath } from './run-output.js';

export interface CompareSummary {
  directory: string;
  index: string;
  junit?: string;
  valid: Verdict;
  exitCode: number;
  /** Runs of the matrix never started because of Ctrl-C. */
  skipped: number;
  runs: StoredRun[];
}

function runWord(run: StoredRun): string {
  return run.results === undefined ? 'incomplete' : verdictWord(runVerdict(run));
}

/** Columns padded to their widest cell. */
function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_cell, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()).join('\n');
}

export function describeComparison(summary: CompareSummary): string {
  const header = ['system', 'workload', 'nemesis', 'seed', 'verdict', 'ops', 'p50 ms', 'p99 ms', 'avail. faults', 'not valid'];
  const rows = summary.runs.map((run) => {
    const perf = runPerf(run);
    const availability = availabilityOf(perf?.during);
    const failing = Object.entries(run.results?.checkers ?? {}).filter(([, checker]) => checker.valid !== true).map(([name]) => name);
    return [
      run.config?.system ?? '?',
      run.config?.workload ?? '?',
      run.config?.nemesis ?? '?',
      String(run.config?.seed ?? '?'),
      runWord(run),
      String(run.results?.ops ?? '-'),
      perf?.p50Ms === undefined ? '-' : perf.p50Ms.toFixed(1),
      perf?.p99Ms === undefined ? '-' : perf.p99Ms.toFixed(1),
      availability === undefined ? '-' : `${(availability * 100).toFixed(1)}%`,
      failing.join(','),
    ];
  });
  const lines = [columns([header, ...rows])];
  if (summary.skipped > 0) lines.push(`stopped by Ctrl-C: ${summary.skipped} run${summary.skipped === 1 ? '' : 's'} of the matrix not started`);
  lines.push(`verdict: ${verdictWord(summary.valid)}   runs: ${shownPath(summary.directory)}`);
  lines.push(`page: ${shownPath(summary.index)}`);
  if (summary.junit !== undefined) lines.push(`junit: ${shownPath(summary.junit)}`);
  return `${lines.join('\n')}\n`;
}

/** One JSON object on one line: where things are, the verdict, and a summary per run. */
export function comparisonJson(summary: CompareSummary): string {
  const runs = summary.runs.map((run) => {
    const perf = runPerf(run);
    const checkers = Object.fromEntries(Object.entries(run.results?.checkers ?? {}).map(([name, checker]) => [name, checker.valid]));
    return {
      run: run.directory,
      system: run.config?.system,
      workload: run.config?.workload,
      nemesis: run.config?.nemesis,
      seed: run.config?.seed,
      valid: runVerdict(run),
      ...(run.results === undefined ? { incomplete: run.problem } : run.results.incomplete === undefined ? {} : { incomplete: run.results.incomplete }),
      ops: run.results?.ops ?? 0,
      checkers,
      p50Ms: perf?.p50Ms ?? null,
      p99Ms: perf?.p99Ms ?? null,
      availabilityDuringFaults: availabilityOf(perf?.during) ?? null,
    };
  });
  const { directory, index, valid, exitCode, skipped } = summary;
  return `${JSON.stringify({ compare: directory, index, junit: summary.junit ?? null, valid, exitCode, skipped, runs })}\n`;
}
