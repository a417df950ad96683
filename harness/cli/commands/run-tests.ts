/** `faultline test`: boot a cluster, run a workload under faults, record, check, store. */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { DEFAULTS, readConfigFile, resolveConfig, RUNTIME_NAMES, SYSTEM_NAMES, type RunConfig } from '../../run/config.js';
import { WORKLOAD_NAMES } from '../../../workloads/index.js';
import { runTest, type TestRunOutcome } from '../../run/execute.js';
import { exitCodeFor, withInfrastructure } from '../exit-codes.js';
import { describeResults, shownPath } from './run-output.js';
import { verdictWord, type Verdict } from '../../../checkers/checker.js';
import { ProgressReporter } from './progress-output.js';
import { recordJunit } from './junit-output.js';
import type { StoredRun } from '../../../reports/index-runs.js';
import { UsageError } from '../../../common/errors.js';
import { parseShard, shardLabel, shardSeeds } from '../shard.js';
import { sshFlagsOf, withSshFlags, type SshArguments } from './ssh-flags.js';
import { DEFAULT_PARTITION_TARGETS, PARTITION_TARGETS, type NemesisOptions } from '../../../nemesis/index.js';

/** The shapes a generated schedule draws from; custom is told apart, since it needs groups from a file. */
const PARTITION_SHAPES = PARTITION_TARGETS.filter((shape) => shape !== 'custom');

interface TestArguments extends SshArguments {
  system?: string;
  runtime?: string;
  workload?: string;
  nemesis?: string;
  nodes?: number;
  concurrency?: number;
  rate?: number;
  'time-limit'?: number;
  seed?: number;
  bug?: string[];
  'read-mode'?: string;
  'max-active-faults'?: number;
  partitions?: string;
  out?: string;
  image?: string;
  install?: string;
  swarm?: boolean;
  config?: string;
  'test-count': number;
  'stop-on-failure': boolean;
  json: boolean;
  junit?: string;
  shard?: string;
}

/** Runs one `faultline test` makes at most: a sweep bigger than this is split over --shard runners. */
export const MAX_TEST_COUNT = 100_000;

export const VERSION = (createRequire(import.meta.url)('../../../../package.json') as { version: string }).version;

function build(yargs: Argv): Argv<TestArguments> {
  const built = yargs
    .option('system', { type: 'string', choices: SYSTEM_NAMES as string[], describe: `system under test (default ${DEFAULTS.system})` })
    .option('runtime', { type: 'string', choices: RUNTIME_NAMES as string[], describe: 'where nodes run (default sim: the deterministic simulator)' })
    .option('workload', { type: 'string', describe: `${WORKLOAD_NAMES.slice(0, -1).join(', ')} or ${WORKLOAD_NAMES.at(-1)} (default ${DEFAULTS.workload})` })
    .option('nemesis', { type: 'string', describe: `none, partition, kill, pause, clock, all, or a comma list (default ${DEFAULTS.nemesis})` })
    .option('nodes', { type: 'number', describe: `cluster size (default ${DEFAULTS.nodes})` })
    .option('concurrency', { type: 'number', describe: `client workers (default ${DEFAULTS.concurrency})` })
    .option('rate', { type: 'number', describe: `operations per second, all workers together (default ${DEFAULTS.rate})` })
    .option('time-limit', { type: 'number', describe: `seconds of workload under faults (default ${DEFAULTS.timeLimitSeconds})` })
    .option('seed', { type: 'number', describe: 'the run\'s one seed (default: from the clock, and stored for replay)' })
    .option('bug', { type: 'string', array: true, describe: 'switch on a deliberate coordinator bug (see faultline bugs)' })
    .option('read-mode', { type: 'string', describe: "how the system serves register reads: one of its read modes (default its first; faultline systems lists them)" })
    .option('max-active-faults', { type: 'number', describe: 'faults on at once, each on its own resource (default 1)' })
    .option('partitions', { type: 'string', describe: `partition shapes to draw from, a comma list of ${PARTITION_SHAPES.join(', ')} (default: ${DEFAULT_PARTITION_TARGETS.join(', ')})` })
    .option('out', { type: 'string', describe: `directory for run directories (default ${DEFAULTS.out})` })
    .option('swarm', { type: 'boolean', describe: "draw each seed's own fault kinds, their settings and load from those allowed (recorded in its config); with --test-count and --nemesis all" })
    .option('install', { type: 'string', describe: "a system's own install instead of the host's packages: a ZooKeeper release directory, an etcd binary" })
    .option('image', { type: 'string', describe: `docker runtime: the node image (default ${DEFAULTS.image}, built locally when missing)` })
    .option('config', { type: 'string', describe: 'a JSON file of run options; flags override it' })
    .option('test-count', { type: 'number', default: 1, describe: 'runs, with seeds n, n+1, ...' })
    .option('shard', { type: 'string', describe: 'K/M: run only the K-th of M disjoint slices of the seeds (seed n+i goes to shard i mod M + 1); needs --seed' })
    .option('stop-on-failure', { type: 'boolean', default: false, describe: 'with --test-count, stop at the first run that is not valid' })
    .option('json', { type: 'boolean', default: false, describe: 'one JSON summary per run on stdout' })
    .option('junit', { type: 'string', describe: 'write JUnit XML here: one test case per run and checker, rewritten after each run' })
    .example('$0 test', 'a 30 s register run on the simulated Raft coordinator with partitions')
    .example('$0 test --system coordinator-zab --bug follower-local-read --seed 7', 'watch a checker catch a bug')
    .example('$0 test --bug follower-applies-uncommitted --nodes 7 --partitions halves', "a bug's own settings (faultline bugs lists them)")
    .example('$0 test --seed 1 --test-count 2000 --shard 3/8', 'the third of 8 CI runners sweeping seeds 1-2000')
    .strict();
  return withSshFlags(built) as unknown as Argv<TestArguments>;
}

export function testCommand(setExitCode: (code: number) => void): CommandModule<object, TestArguments> {
  return { command: 'test', describe: 'Run a workload against a cluster under faults, then check it', builder: build, handler: async (argv) => setExitCode(await runTests(argv)) };
}

/** --partitions sets the partition shapes and keeps every other nemesis option a --config file gives. */
function nemesisOptionsOf(argv: TestArguments, fileLayer: Partial<RunConfig>): Pick<RunConfig, 'nemesisOptions'> {
  if (argv.partitions === undefined) return {};
  const targets = argv.partitions.split(',').map((shape) => shape.trim()).filter((shape) => shape.length > 0);
  const unknown = targets.filter((shape) => !(PARTITION_TARGETS as readonly string[]).includes(shape));
  if (targets.length === 0 || unknown.length > 0) {
    const shown = unknown.length > 0 ? `"${unknown.join('", "')}" is not a partition shape` : 'no partition shape is named';
    throw new UsageError(shown, { where: '--partitions', hint: `name one or more of ${PARTITION_SHAPES.join(', ')} (custom also needs partition.customGroups in a --config file)` });
  }
  const fileOptions = (fileLayer.nemesisOptions ?? {}) as NemesisOptions;
  return { nemesisOptions: { ...fileOptions, partition: { ...fileOptions.partition, targets } } as RunConfig['nemesisOptions'] };
}

function flagsOf(argv: TestArguments, fileLayer: Partial<RunConfig>): Partial<RunConfig> {
  return {
    ...nemesisOptionsOf(argv, fileLayer),
    system: argv.system as RunConfig['system'] | undefined,
    runtime: argv.runtime as RunConfig['runtime'] | undefined,
    workload: argv.workload as RunConfig['workload'] | undefined,
    nemesis: argv.nemesis,
    nodes: argv.nodes,
    concurrency: argv.concurrency,
    rate: argv.rate,
    timeLimitSeconds: argv['time-limit'],
    bugs: argv.bug,
    readMode: argv['read-mode'] as RunConfig['readMode'] | undefined,
    maxActiveFaults: argv['max-active-faults'],
    out: argv.out,
    image: argv.image,
    install: argv.install,
    swarm: argv.swarm,
    ...sshFlagsOf(argv),
  };
}

async function runTests(argv: TestArguments): Promise<number> {
  const fileLayer = argv.config === undefined ? {} : readConfigFile(argv.config);
  // Ctrl-C stops the current run between slices of simulated time; it is then healed, stored and checked.
  let interrupted = false;
  const onInterrupt = (): void => {
    interrupted = true;
  };
  process.once('SIGINT', onInterrupt);
  try {
    return await runSeeds(argv, fileLayer, () => interrupted);
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

/** The seeds this command runs: n, n+1, ... or, with --shard, this shard's slice of them. */
export function seedsToRun(argv: Pick<TestArguments, 'seed' | 'shard' | 'test-count'>, fileSeed: number | undefined, nowMs: number): number[] {
  const shard = parseShard(argv.shard);
  const count = argv['test-count'];
  if (!Number.isInteger(count) || count > MAX_TEST_COUNT) {
    throw new UsageError(`--test-count ${count} is not a whole number up to ${MAX_TEST_COUNT}`, { where: '--test-count', hint: `split a larger sweep over runners with --shard K/M` });
  }
  const seed = argv.seed ?? fileSeed;
  if (seed === undefined && shard.count > 1) {
    // Each runner would take its own seed from its own clock, and the slices would not fit together.
    throw new UsageError('--shard needs the first seed', { where: '--shard', hint: 'give --seed N (the same on every runner), e.g. --seed 1 --test-count 2000 --shard 3/8' });
  }
  return shardSeeds(seed ?? nowMs % 1_000_000_000, Math.max(1, count), shard);
}

async function runSeeds(argv: TestArguments, fileLayer: Partial<RunConfig>, interrupted: () => boolean): Promise<number> {
  const seeds = seedsToRun(argv, fileLayer.seed, Date.now());
  if (seeds.length === 0) {
    process.stderr.write(`faultline: ${shardLabel(parseShard(argv.shard))} has no seeds among the ${Math.max(1, argv['test-count'])} asked for: nothing to run\n`);
    return 0;
  }
  const verdicts: Verdict[] = [];
  const junitRuns: StoredRun[] = [];
  let infrastructureFailed = false;
  for (const seed of seeds) {
    const config = resolveConfig(VERSION, seed, fileLayer, flagsOf(argv, fileLayer));
    const progress = progressReporter(config, argv.json);
    const onProgress = (nowMs: number, events: number, faults: readonly string[]): boolean => {
      progress.tick(nowMs, events, faults);
      return !interrupted();
    };
    const outcome = await runTest(config, new Date(), onProgress, (notice) => progress.phase(notice));
    progress.phase({ phase: 'done', detail: verdictWord(outcome.results.valid) });
    progress.clear();
    process.stdout.write(argv.json ? `${JSON.stringify(summary(outcome))}\n` : describe(outcome));
    verdicts.push(outcome.results.valid);
    recordJunit(argv.junit, junitRuns, outcome.directory);
    infrastructureFailed ||= outcome.report.infrastructureError !== undefined;
    if (interrupted() || (argv['stop-on-failure'] && outcome.results.valid !== true)) break;
  }
  return withInfrastructure(exitCodeFor(verdicts), infrastructureFailed);
}

function progressReporter(config: RunConfig, json: boolean): ProgressReporter {
  const simulated = config.runtime === 'sim';
  const label = `${config.system} seed ${config.seed}${simulated ? '' : ` on ${config.runtime}`}`;
  return new ProgressReporter({ label, simulated, json, stream: process.stderr });
}

function summary(outcome: TestRunOutcome): Record<string, unknown> {
  const checkers = Object.fromEntries(Object.entries(outcome.results.checkers).map(([name, result]) => [name, result.valid]));
  return { run: outcome.directory, seed: outcome.config.seed, valid: outcome.results.valid, ops: outcome.results.ops, checkers, runtime: outcome.config.runtime, durationMs: Math.round(outcome.report.durationMs), ...(outcome.report.traceHash === undefined ? {} : { traceHash: outcome.report.traceHash }), ...(outcome.report.infrastructureError === undefined ? {} : { infrastructureError: outcome.report.infrastructureError }) };
}

function describe(outcome: TestRunOutcome): string {
  const { config, results } = outcome;
  const bugs = config.bugs.length > 0 ? ` bugs=${config.bugs.join(',')}` : '';
  const heading = `${config.system} ${config.workload} nemesis=${config.nemesis} seed=${config.seed}${bugs}: ${results.ops} ops, ${(outcome.report.durationMs / 1000).toFixed(1)} s ${outcome.report.simulated ? 'simulated' : `on ${config.runtime}`}`;
  return `${describeResults(heading, results, outcome.directory)}${whereTheReportIs(outcome.directory)}`;
}

/** The last lines a person reads: the report, and the one command that rebuilds it and prints its path. */
function whereTheReportIs(runDirectory: string): string {
  const shown = shownPath(runDirectory);
  return `  report: ${join(shown, 'report.html')}\n  rebuild it (and print its path): npx faultline report ${shown}\n`;
}
