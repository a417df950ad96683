/** `faultline shrink <run>`: find a smaller run that fails the same way, and store it beside the original. */
import { relative } from 'node:path';
import type { CommandModule } from 'yargs';
import { UsageError } from '../../../common/errors.js';
import { shrinkStoredRun, type RunSize, type ShrinkOutcome } from '../../run/shrink-run.js';

interface ShrinkArguments {
  run: string;
  'max-runs': number;
  'time-budget': number;
  tries: number;
  json: boolean;
}

const EXIT_VIOLATION = 1;
const EXIT_UNKNOWN = 2;

export function shrinkCommand(setExitCode: (code: number) => void): CommandModule<object, ShrinkArguments> {
  return {
    command: 'shrink <run>',
    describe: 'Search for a smaller run that fails a checker of the original with the same kind of anomaly (fewer faults, shorter, fewer workers, keys, a lower rate) and store it as a run beside the original',
    builder: (yargs) =>
      yargs
        .positional('run', { type: 'string', demandOption: true, describe: 'a run directory whose verdict is VIOLATION, e.g. runs/latest' })
        .option('max-runs', { type: 'number', default: 200, describe: 'candidate runs to try at most' })
        .option('time-budget', { type: 'number', default: 600, describe: 'seconds of wall time to spend at most' })
        .option('tries', { type: 'number', default: 3, describe: 'real runtimes: runs of each candidate; it counts as failing when any fails' })
        .option('json', { type: 'boolean', default: false, describe: 'one JSON summary on stdout' })
        .example('$0 shrink runs/latest', 'shrink the last run; Ctrl-C keeps the smallest failing run found so far')
        .strict() as never,
    handler: async (argv) => setExitCode(await shrink(argv)),
  };
}

async function shrink(argv: ShrinkArguments): Promise<number> {
  for (const [name, value, minimum] of [['--max-runs', argv['max-runs'], 1], ['--time-budget', argv['time-budget'], 1], ['--tries', argv.tries, 1]] as const) {
    if (!Number.isInteger(value) || value < minimum) throw new UsageError(`${name} must be a whole number of at least ${minimum}, got ${String(value)}`, { where: name });
  }
  let interrupted = false;
  const onInterrupt = (): void => {
    interrupted = true;
    process.stderr.write('\nfaultline: stopping; the smallest failing run found so far is kept\n');
  };
  process.on('SIGINT', onInterrupt);
  try {
    const outcome = await shrinkStoredRun(argv.run, {
      maxRuns: argv['max-runs'],
      timeBudgetMs: argv['time-budget'] * 1000,
      tries: argv.tries,
      stopped: () => interrupted,
      progress: (line) => {
        if (!argv.json) process.stderr.write(`${line}\n`);
      },
    });
    process.stdout.write(argv.json ? `${JSON.stringify(outcome)}\n` : describeShrink(outcome));
    return outcome.shrunk === undefined ? EXIT_UNKNOWN : EXIT_VIOLATION;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
  }
}

function size(run: RunSize): string {
  return `${run.operations.toLocaleString('en-US')} ops, ${run.faults} fault${run.faults === 1 ? '' : 's'}, ${run.timeLimitSeconds} s`;
}

export function describeShrink(outcome: ShrinkOutcome): string {
  const seconds = (outcome.wallMs / 1000).toFixed(1);
  if (outcome.notReproduced === true) {
    return `${outcome.original.run}: its faults, run again as a schedule, did not show the same kind of violation, so there is nothing to shrink from (${outcome.runs} run${outcome.runs === 1 ? '' : 's'}, ${seconds} s)\n  a real runtime's run may need --tries; a simulated run should reproduce: please report it\n`;
  }
  const shrunk = outcome.shrunk;
  if (shrunk === undefined) return `${outcome.original.run}: no failing run kept (${outcome.stoppedBecause ?? 'stopped'})\n`;
  const where = relative(process.cwd(), shrunk.directory) || shrunk.directory;
  return [
    `shrunk ${outcome.original.run} in ${outcome.runs} runs, ${seconds} s: from ${size(outcome.original)} to ${size(shrunk)}`,
    ...(outcome.stoppedBecause === undefined ? [] : [`  stopped early: ${outcome.stoppedBecause}; this is the smallest failing run found so far`]),
    ...(outcome.steps.length === 0 ? [] : [`  kept: ${outcome.steps.join('; ')}`]),
    `  run: ${where}`,
    `  report: ${where}/report.html`,
    `  reproduce: npx faultline replay ${where}   (or: npx faultline test --config ${where}/config.json)`,
    '',
  ].join('\n');
}
