/**
 * `faultline index <runs-dir>...`: one index.html (and optionally one JUnit
 * file) over the runs stored in one folder or gathered from many (each CI
 * runner's runs/ folder, downloaded as artifacts), with the violations
 * grouped by checker and anomaly shape. Exit code: the worst verdict of the
 * runs (DESIGN.md), so a merge job fails on any violation.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { FaultlineError, UsageError } from '../../../common/errors.js';
import { writeIndexPage } from '../../../reports/index-page.js';
import { findRunDirectories, loadStoredRuns, MAX_LISTED_RUNS, runVerdict, type StoredRun } from '../../../reports/index-runs.js';
import { writeJunitFile } from '../../../reports/junit.js';
import { groupViolations } from '../../../reports/violation-groups.js';
import { EXIT_UNKNOWN, exitCodeFor } from '../exit-codes.js';
import { shownPath } from './run-output.js';

interface IndexArguments {
  'runs-dirs': string[];
  out?: string;
  title?: string;
  junit?: string;
}

/** Runs one merged page reads at most: a nightly sweep of 2,000 seeds × 8 combinations fits twice over. */
export const MAX_MERGED_RUNS = 50_000;

function build(yargs: Argv): Argv<IndexArguments> {
  return yargs
    .positional('runs-dirs', { type: 'string', array: true, demandOption: true, describe: 'folders of run directories, e.g. runs/, or one per CI runner' })
    .option('out', { type: 'string', describe: 'the folder index.html goes in (default: the one folder given; needed for several)' })
    .option('title', { type: 'string', describe: 'the page title (default: faultline runs)' })
    .option('junit', { type: 'string', describe: 'also write JUnit XML of the same runs here' })
    .example('$0 index runs/', `writes runs/index.html over up to ${MAX_LISTED_RUNS} runs`)
    .example('$0 index site/shard-* --out site --junit junit.xml', 'merges the runs of many CI runners into site/index.html')
    .epilog('Exit code: 0 all valid, 1 any violation, 2 any run unknown or incomplete, or no runs at all.')
    .strict() as unknown as Argv<IndexArguments>;
}

export function indexCommand(setExitCode: (code: number) => void): CommandModule<object, IndexArguments> {
  return {
    command: 'index <runs-dirs..>',
    describe: 'Write index.html (and JUnit) over the runs in one folder or many, violations grouped by shape',
    builder: build,
    handler: (argv) => setExitCode(writeIndex(argv)),
  };
}

function runDirectoriesOf(roots: readonly string[]): string[] {
  const found = new Set<string>();
  for (const root of roots) {
    if (!existsSync(root) || !statSync(root).isDirectory()) {
      throw new FaultlineError('E_INPUT', 'not a folder of runs', { where: root, hint: 'pass the folder faultline test --out wrote to, e.g. runs/, or each runner\'s downloaded runs/ folder' });
    }
    // A folder given twice, or inside another given, counts its runs once.
    // A CI artifact may hold runs/latest copied as a folder (uploads follow links): the same run again.
    for (const directory of findRunDirectories(root)) if (basename(directory) !== 'latest') found.add(resolve(directory));
  }
  return [...found];
}

/** "seed 7 of coordinator-raft register partition ran 2 times": two runners given the same --shard, most likely. */
function repeatedSeeds(runs: readonly StoredRun[]): string[] {
  const counts = new Map<string, number>();
  for (const run of runs) {
    if (run.config === undefined) continue;
    const { seed, system, workload, nemesis, bugs } = run.config;
    const key = `seed ${seed} of ${system} ${workload} ${nemesis}${bugs.length > 0 ? ` bugs=${bugs.join(',')}` : ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].filter(([, count]) => count > 1).map(([key, count]) => `${key} ran ${count} times`);
}

function writeIndex(argv: IndexArguments): number {
  const roots = argv['runs-dirs'];
  if (roots.length > 1 && argv.out === undefined) {
    throw new UsageError(`${roots.length} folders of runs and no --out`, { where: '--out', hint: 'say where the merged index.html goes, e.g. --out site (links to the runs are relative to it)' });
  }
  const directories = runDirectoriesOf(roots);
  if (directories.length > MAX_MERGED_RUNS) {
    throw new FaultlineError('E_INPUT', `${directories.length} runs, more than the ${MAX_MERGED_RUNS} one page merges`, { where: roots.join(' '), hint: 'index fewer folders at once' });
  }
  const runs = loadStoredRuns(directories, MAX_MERGED_RUNS);
  const pageDirectory = argv.out ?? (roots[0] as string);
  const page = writeIndexPage(runs, { pageDirectory, ...(argv.title === undefined ? {} : { title: argv.title }) });
  if (argv.junit !== undefined) writeJunitFile(argv.junit, runs);
  const repeated = repeatedSeeds(runs);
  if (repeated.length > 0) {
    process.stderr.write(`faultline: ${repeated.length} seed${repeated.length === 1 ? '' : 's'} ran more than once (were two runners given the same --shard?): ${repeated.slice(0, 3).join('; ')}${repeated.length > 3 ? '; ...' : ''}\n`);
  }
  const incomplete = runs.filter((run) => run.results === undefined).length;
  const distinct = groupViolations(runs).filter((group) => group.verdict === false).length;
  const violations = runs.filter((run) => runVerdict(run) === false).length;
  const found = violations === 0 ? '' : `, ${violations} with a violation (${distinct} distinct)`;
  process.stdout.write(`wrote ${shownPath(page)}: ${runs.length} run${runs.length === 1 ? '' : 's'}${found}${incomplete > 0 ? `, ${incomplete} incomplete` : ''}\n`);
  if (runs.length === 0) {
    // No runs is no evidence: a merge job whose artifacts went missing must not pass.
    process.stderr.write(`faultline: no run directories under ${roots.join(', ')}: nothing was judged (exit ${EXIT_UNKNOWN})\n`);
    return EXIT_UNKNOWN;
  }
  return exitCodeFor(runs.map(runVerdict));
}
