/**
 * The sweep's arithmetic, apart from the processes that run it: how one run's
 * results count (valid, violation, unknown, crashed, or an error of the
 * harness itself), the figures per combination of engine and workload, and
 * the table printed from them. Pure, so a test can check it on a few runs.
 */
import type { CheckerResult, Verdict } from '../checkers/checker.js';

export type SweepOutcome = 'valid' | 'violation' | 'unknown' | 'crashed' | 'error';

export interface SweepFinding {
  checker: string;
  sentence: string;
}

/** One finished run, as a worker reports it. */
export interface SweepRun {
  system: string;
  workload: string;
  seed: number;
  outcome: SweepOutcome;
  /** Wall-clock milliseconds the run took in its worker (on one core). */
  wallMs: number;
  /** Each checker that was not valid, in its own words; for an error, what went wrong. */
  findings: SweepFinding[];
}

export interface SweepRow {
  system: string;
  workload: string;
  runs: number;
  counts: Record<SweepOutcome, number>;
  /** Runs one core finishes per minute: runs over the summed wall time of this combination's runs. */
  runsPerMinute: number;
  /** Every run that was not valid, by seed. */
  notValid: SweepRun[];
}

/** The fields of a run's results the sweep reads. */
export interface ResultsSummary {
  valid: Verdict;
  checkers: Record<string, Pick<CheckerResult, 'valid' | 'sentence' | 'reason'>>;
  incomplete?: string;
}

/** A crash outranks the other verdicts: the node died, whatever the history shows. */
export function classify(results: ResultsSummary): { outcome: SweepOutcome; findings: SweepFinding[] } {
  // The crash first, then violations, then what could not be judged.
  const rank = (checker: string, valid: Verdict): number => (checker === 'crash' ? 0 : valid === false ? 1 : 2);
  const findings = Object.entries(results.checkers)
    .filter(([, result]) => result.valid !== true)
    .sort(([leftName, left], [rightName, right]) => rank(leftName, left.valid) - rank(rightName, right.valid))
    .map(([checker, result]) => ({ checker, sentence: result.sentence ?? result.reason ?? '' }));
  if (results.valid !== true && findings.length === 0 && results.incomplete !== undefined) findings.push({ checker: 'run', sentence: results.incomplete });
  if (results.checkers['crash']?.valid === false) return { outcome: 'crashed', findings };
  const outcome = results.valid === true ? 'valid' : results.valid === false ? 'violation' : 'unknown';
  return { outcome, findings };
}

function emptyCounts(): Record<SweepOutcome, number> {
  return { valid: 0, violation: 0, unknown: 0, crashed: 0, error: 0 };
}

/** One row per combination, in the order the combinations are given; runs of others are ignored. */
export function aggregate(runs: readonly SweepRun[], combinations: ReadonlyArray<{ system: string; workload: string }>): SweepRow[] {
  return combinations.map(({ system, workload }) => {
    const mine = runs.filter((run) => run.system === system && run.workload === workload).sort((left, right) => left.seed - right.seed);
    const counts = emptyCounts();
    for (const run of mine) counts[run.outcome]++;
    const wallMs = mine.reduce((sum, run) => sum + run.wallMs, 0);
    return {
      system,
      workload,
      runs: mine.length,
      counts,
      runsPerMinute: wallMs > 0 ? (mine.length * 60_000) / wallMs : 0,
      notValid: mine.filter((run) => run.outcome !== 'valid'),
    };
  });
}

const HEADERS = ['system', 'workload', 'runs', 'valid', 'violation', 'unknown', 'crashed', 'errors', 'runs/min/core'];
const MAX_SENTENCE_CHARS = 240;

/** The table, then each run that was not valid: seed, outcome, checker and sentence. */
export function formatTable(rows: readonly SweepRow[]): string {
  const cells = rows.map((row) => [
    row.system,
    row.workload,
    String(row.runs),
    String(row.counts.valid),
    String(row.counts.violation),
    String(row.counts.unknown),
    String(row.counts.crashed),
    String(row.counts.error),
    row.runsPerMinute.toFixed(1),
  ]);
  const widths = HEADERS.map((header, column) => Math.max(header.length, ...cells.map((line) => (line[column] as string).length)));
  const line = (values: readonly string[]): string => values.map((value, column) => (column < 2 ? value.padEnd(widths[column]!) : value.padStart(widths[column]!))).join('  ');
  const text = [line(HEADERS), ...cells.map(line)];
  for (const row of rows) {
    if (row.notValid.length === 0) continue;
    text.push('', `${row.system} ${row.workload}: ${row.notValid.length} of ${row.runs} runs not valid`);
    for (const run of row.notValid) {
      const findings = run.findings.length === 0 ? [{ checker: '-', sentence: '' }] : run.findings;
      for (const finding of findings) text.push(`  seed ${run.seed}  ${run.outcome.padEnd(9)}  ${finding.checker}: ${clipped(finding.sentence)}`);
    }
  }
  return `${text.join('\n')}\n`;
}

function clipped(sentence: string): string {
  const oneLine = sentence.replace(/\s+/g, ' ');
  return oneLine.length > MAX_SENTENCE_CHARS ? `${oneLine.slice(0, MAX_SENTENCE_CHARS - 1)}…` : oneLine;
}
