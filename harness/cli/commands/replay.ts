/** `faultline replay <run-dir>`: run a stored run again from its config and seed, and compare. */
import { breaksPromise } from '../../../checkers/read-promises/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { CommandModule } from 'yargs';
import { FILES, readRunConfig } from '../../run/run-store.js';
import { runTest } from '../../run/execute.js';
import { EXIT_INFRASTRUCTURE, exitCodeFor } from '../exit-codes.js';
import { describeResults } from './run-output.js';
import { verdictWord, type Verdict } from '../../../checkers/checker.js';
import type { RunResults } from '../../run/check-run.js';
import { compareSchedules, describeDivergence } from '../../run/divergence.js';
import { readHistory, type HistoryEvent } from '../../../common/history/index.js';

interface ReplayArguments {
  run: string;
}

export function replayCommand(setExitCode: (code: number) => void): CommandModule<object, ReplayArguments> {
  return {
    command: 'replay <run>',
    describe: 'Run a stored run again from its config and seed; on the simulator the history must be identical, on real runtimes it says how far it diverged',
    builder: (yargs) =>
      yargs
        .positional('run', { type: 'string', demandOption: true, describe: 'a run directory, e.g. runs/latest' })
        .strict() as never,
    handler: async (argv) => setExitCode(await replay(argv.run)),
  };
}

async function replay(runDirectory: string): Promise<number> {
  const config = readRunConfig(runDirectory);
  // The replay goes beside the original, whatever --out the original had.
  const stored = readStoredResults(runDirectory);
  const outcome = await runTest({ ...config, out: dirname(resolve(runDirectory)) }, new Date(), () => {});
  process.stdout.write(describeResults(`replay of ${runDirectory} (seed ${config.seed})`, outcome.results, outcome.directory, 'replay verdict'));
  process.stdout.write(`  ${compareVerdicts(stored, outcome.results.valid)}\n`);
  if (config.runtime !== 'sim') {
    process.stdout.write(describeDivergence(compareSchedules(await readAll(join(runDirectory, FILES.history)), await readAll(join(outcome.directory, FILES.history)))));
    return exitCodeFor([outcome.results.valid]);
  }
  // The simulator must replay byte for byte: compare the stored lines themselves.
  const original = readFileSync(join(runDirectory, FILES.history), 'utf8').split('\n');
  const replayed = readFileSync(join(outcome.directory, FILES.history), 'utf8').split('\n');
  const divergence = firstDifference(original, replayed);
  if (divergence === -1) {
    process.stdout.write(`  history: identical to the stored run (${original.length - 1} events), trace ${outcome.report.traceHash}\n`);
    return exitCodeFor([outcome.results.valid]);
  }
  process.stdout.write(
    `  history: DIVERGED at event ${divergence} of ${original.length - 1}:\n    stored:   ${original[divergence] ?? '(end)'}\n    replayed: ${replayed[divergence] ?? '(end)'}\n` +
      '  On the simulator this is a determinism bug in faultline: please report it with both run directories.\n',
  );
  return EXIT_INFRASTRUCTURE;
}

/** The stored run's results, or undefined when it has none (it was cut short before its checks). */
function readStoredResults(runDirectory: string): RunResults | undefined {
  const file = join(runDirectory, FILES.results);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunResults;
  } catch {
    return undefined;
  }
}

/**
 * The stored verdict beside the replay's, and whether a stored violation came
 * back: a replay that passes must never hide the violation the run found.
 */
export function compareVerdicts(stored: RunResults | undefined, replayed: Verdict): string {
  const replay = verdictWord(replayed);
  if (stored === undefined) return `stored verdict: none (the run has no readable results.json); replay verdict: ${replay}`;
  const failed = Object.entries(stored.checkers ?? {}).filter(([, result]) => breaksPromise(result)).map(([name]) => name);
  const storedWord = `${verdictWord(stored.valid)}${failed.length === 0 ? '' : ` (${failed.join(', ')})`}`;
  const line = `stored verdict: ${storedWord}; replay verdict: ${replay}`;
  if (stored.valid === false) {
    return replayed === false
      ? `${line}: the violation was reproduced`
      : `${line}: the violation was NOT reproduced; the stored run still shows it in its results.json and report.html`;
  }
  if (replayed === false) return `${line}: the replay found a violation the stored run did not`;
  return stored.valid === replayed ? `${line}: the same` : `${line}: they differ`;
}

async function readAll(file: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  for await (const event of readHistory(file)) events.push(event);
  return events;
}

function firstDifference(left: string[], right: string[]): number {
  const length = Math.max(left.length, right.length);
  for (let index = 0; index < length; index++) if (left[index] !== right[index]) return index;
  return -1;
}
