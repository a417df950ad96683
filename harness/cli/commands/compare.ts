/**
 * `faultline compare`: the same seeds (so the same op and fault schedules)
 * for every system, over a matrix of workloads and nemeses; the runs go in
 * one compare-<utc>/ folder with an index.html that puts the systems side
 * by side. Exit code: the worst verdict (DESIGN.md); Ctrl-C stops after the
 * current run (twice: cuts it short) and the page is still written.
 */
import type { Argv, CommandModule } from 'yargs';
import { combineVerdicts, type Verdict } from '../../../checkers/checker.js';
import { writeIndexPage } from '../../../reports/index-page.js';
import { loadStoredRun, runVerdict, sortNewestFirst, type StoredRun } from '../../../reports/index-runs.js';
import { writeJunitFile } from '../../../reports/junit.js';
import { shellWord } from '../../../reports/index.js';
import { systemNamed } from '../../../clusters/index.js';
import { DEFAULTS, readConfigFile, RUNTIME_NAMES, SYSTEM_NAMES, type RunConfig } from '../../run/config.js';
import { WORKLOAD_NAMES } from '../../../workloads/index.js';
import { runTest } from '../../run/execute.js';
import { exitCodeFor, withInfrastructure } from '../exit-codes.js';
import { compareDirectory, MAX_COMPARE_RUNS, planMatrix } from './compare-matrix.js';
import { comparisonJson, describeComparison, type CompareSummary } from './compare-output.js';
import { VERSION } from './run-tests.js';
import { parseShard } from '../shard.js';
import { sshFlagsOf, withSshFlags, type SshArguments } from './ssh-flags.js';

export interface CompareArguments extends SshArguments {
  /** Absent: every system that runs on the run's runtime. */
  systems?: string;
  workloads: string;
  nemeses: string;
  seeds: string;
  runtime?: string;
  'time-limit'?: number;
  out: string;
  config?: string;
  json: boolean;
  junit?: string;
  /** K/M: this runner's slice of the seeds. */
  shard?: string;
}

/** A list flag given twice counts as one longer list. */
function joinRepeated(value: unknown): string {
  return Array.isArray(value) ? value.map(String).join(',') : String(value);
}

function build(yargs: Argv): Argv<CompareArguments> {
  const built = yargs
    .option('systems', { type: 'string', coerce: joinRepeated, describe: 'comma list of systems to put side by side (default: every system that runs on the runtime)' })
    .option('workloads', { type: 'string', coerce: joinRepeated, default: DEFAULTS.workload, describe: `comma list of workloads: ${WORKLOAD_NAMES.join(', ')}` })
    .option('nemeses', { type: 'string', coerce: joinRepeated, default: DEFAULTS.nemesis, describe: 'comma list of nemeses; join kinds with + to combine them in one run (partition+kill)' })
    .option('seeds', { type: 'string', coerce: joinRepeated, default: '1', describe: 'comma list of seeds or ranges (1,2,3 or 1-5); every system runs every seed' })
    .option('runtime', { type: 'string', choices: RUNTIME_NAMES as string[], describe: 'where nodes run (default sim)' })
    .option('time-limit', { type: 'number', describe: `seconds of workload under faults per run (default ${DEFAULTS.timeLimitSeconds})` })
    .option('out', { type: 'string', default: DEFAULTS.out, describe: 'the compare-<utc>/ folder of runs and index.html goes here' })
    .option('config', { type: 'string', describe: 'a JSON file of run options for every run (nodes, rate, ...); flags override it' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON summary on stdout instead of the table' })
    .option('junit', { type: 'string', describe: 'also write JUnit XML here: one test case per run and checker' })
    .option('shard', { type: 'string', describe: 'K/M: run every system, workload and nemesis on the K-th of M disjoint slices of the seeds (the n-th seed listed goes to shard n mod M + 1)' })
    .example('$0 compare --systems coordinator-raft,coordinator-zab --nemeses partition,kill --seeds 1-3', 'both engines, two faults, three seeds')
    .example('$0 compare --seeds 1-800 --shard 2/4', 'the second of 4 runners: seeds 2, 6, 10, ...')
    .epilog(`A matrix of more than ${MAX_COMPARE_RUNS} runs (per shard, with --shard) is refused.`)
    .strict();
  return withSshFlags(built) as unknown as Argv<CompareArguments>;
}

export function compareCommand(setExitCode: (code: number) => void): CommandModule<object, CompareArguments> {
  return { command: 'compare', describe: 'Run a matrix of systems, workloads, nemeses and seeds and compare them on one page', builder: build, handler: async (argv) => setExitCode(await compare(argv)) };
}

/** Ctrl-C once: stop after the current run; twice: cut the current run short too. */
function interruptions(): { count: () => number; stop: () => void } {
  let count = 0;
  const onInterrupt = (): void => {
    count += 1;
    process.stderr.write(count === 1 ? '\nfaultline: stopping after this run (Ctrl-C again to cut it short)\n' : '\nfaultline: cutting the current run short\n');
  };
  process.on('SIGINT', onInterrupt);
  return { count: () => count, stop: () => process.removeListener('SIGINT', onInterrupt) };
}

async function compare(argv: CompareArguments): Promise<number> {
  const startedAt = new Date();
  const fileLayer = argv.config === undefined ? {} : readConfigFile(argv.config);
  const flags: Partial<RunConfig> = { runtime: argv.runtime as RunConfig['runtime'] | undefined, timeLimitSeconds: argv['time-limit'], ...sshFlagsOf(argv) };
  const directory = compareDirectory(argv.out, startedAt);
  const runtime = flags.runtime ?? fileLayer.runtime ?? DEFAULTS.runtime;
  argv.systems ??= SYSTEM_NAMES.filter((name) => systemNamed(name).runtimes.includes(runtime)).join(',');
  const configs = planMatrix(VERSION, argv as CompareArguments & { systems: string }, [fileLayer, flags], directory, parseShard(argv.shard));
  if (configs.length === 0) {
    // Fewer seeds than runners: this runner has none, and the others cover them all.
    process.stderr.write(`faultline: shard ${argv.shard ?? ''} has none of the seeds ${argv.seeds}: nothing to run\n`);
    return 0;
  }
  const interrupted = interruptions();
  const runs: StoredRun[] = [];
  let infrastructureFailed = false;
  let summary: CompareSummary | undefined;
  try {
    for (const config of configs) {
      if (interrupted.count() > 0) break;
      const outcome = await runTest(config, new Date(), (nowMs) => {
        showProgress(config, runs.length, configs.length, nowMs);
        return interrupted.count() < 2;
      });
      if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
      runs.push(loadStoredRun(outcome.directory));
      // Real runtimes report a cluster that failed under them instead of throwing; the matrix goes on.
      infrastructureFailed ||= outcome.report.infrastructureError !== undefined;
    }
  } finally {
    interrupted.stop();
    summary = finish(argv, directory, runs, configs.length - runs.length);
  }
  summary.exitCode = withInfrastructure(summary.exitCode, infrastructureFailed);
  process.stdout.write(argv.json ? comparisonJson(summary) : describeComparison(summary));
  return summary.exitCode;
}

function showProgress(config: RunConfig, done: number, total: number, nowMs: number): void {
  if (!process.stderr.isTTY) return;
  const cell = `${config.system} ${config.workload} ${config.nemesis} seed ${config.seed}`;
  process.stderr.write(`\r\x1b[Krun ${done + 1}/${total}: ${cell}: ${(nowMs / 1000).toFixed(0)} s${config.runtime === 'sim' ? ' simulated' : ''}`);
}

/** The command that runs this matrix again: its four lists, then every other flag given, quoted for the shell. */
export function compareCommandLine(argv: CompareArguments): string {
  const flags: Array<[string, unknown]> = [
    ['systems', argv.systems],
    ['workloads', argv.workloads],
    ['nemeses', argv.nemeses],
    ['seeds', argv.seeds],
    ['runtime', argv.runtime],
    ['time-limit', argv['time-limit']],
    ['config', argv.config],
    ['out', argv.out === DEFAULTS.out ? undefined : argv.out],
    ['junit', argv.junit],
    ['shard', argv.shard],
  ];
  const words = flags.filter(([, value]) => value !== undefined).map(([flag, value]) => `--${flag} ${shellWord(value)}`);
  return ['faultline compare', ...words, ...(argv.json ? ['--json'] : [])].join(' ');
}

/** Writes index.html and the JUnit file for the runs done; a run skipped by Ctrl-C makes the verdict unknown at best. */
function finish(argv: CompareArguments, directory: string, runs: StoredRun[], skipped: number): CompareSummary {
  const index = writeIndexPage(sortNewestFirst([...runs]), { pageDirectory: directory, title: 'faultline comparison', subtitle: compareCommandLine(argv) });
  if (argv.junit !== undefined) writeJunitFile(argv.junit, runs, { name: 'faultline compare' });
  const verdicts: Verdict[] = runs.map(runVerdict);
  if (skipped > 0) verdicts.push('unknown');
  const valid: Verdict = verdicts.length === 0 ? 'unknown' : combineVerdicts(verdicts.map((verdict) => ({ valid: verdict })));
  return { directory, index, ...(argv.junit === undefined ? {} : { junit: argv.junit }), valid, exitCode: exitCodeFor([valid]), skipped, runs };
}
