/**
 * `faultline index <runs-dir>`: writes <runs-dir>/index.html over the runs
 * already stored there (and in its compare-<utc>/ folders), newest first,
 * so a nightly job can publish one page. Optionally JUnit XML of the same runs.
 */
import { existsSync, statSync } from 'node:fs';
import type { Argv, CommandModule } from 'yargs';
import { FaultlineError } from '../../../common/errors.js';
import { writeIndexPage } from '../../../reports/index-page.js';
import { findRunDirectories, loadStoredRuns, MAX_LISTED_RUNS } from '../../../reports/index-runs.js';
import { writeJunitFile } from '../../../reports/junit.js';
import { shownPath } from './run-output.js';

interface IndexArguments {
  'runs-dir': string;
  title?: string;
  junit?: string;
}

function build(yargs: Argv): Argv<IndexArguments> {
  return yargs
    .positional('runs-dir', { type: 'string', demandOption: true, describe: 'a folder of run directories, e.g. runs/' })
    .option('title', { type: 'string', describe: 'the page title (default: faultline runs)' })
    .option('junit', { type: 'string', describe: 'also write JUnit XML of the same runs here' })
    .example('$0 index runs/', `writes runs/index.html over up to ${MAX_LISTED_RUNS} runs`)
    .strict() as unknown as Argv<IndexArguments>;
}

export const indexCommand: CommandModule<object, IndexArguments> = {
  command: 'index <runs-dir>',
  describe: 'Write index.html over the runs stored in a folder, newest first',
  builder: build,
  handler: (argv) => writeIndex(argv),
};

function writeIndex(argv: IndexArguments): void {
  const root = argv['runs-dir'];
  if (!existsSync(root) || !statSync(root).isDirectory()) {
    throw new FaultlineError('E_INPUT', 'not a folder of runs', { where: root, hint: 'pass the folder faultline test --out wrote to, e.g. runs/' });
  }
  const runs = loadStoredRuns(findRunDirectories(root));
  const page = writeIndexPage(runs, { pageDirectory: root, ...(argv.title === undefined ? {} : { title: argv.title }) });
  if (argv.junit !== undefined) writeJunitFile(argv.junit, runs);
  const incomplete = runs.filter((run) => run.results === undefined).length;
  process.stdout.write(`wrote ${shownPath(page)}: ${runs.length} run${runs.length === 1 ? '' : 's'}${incomplete > 0 ? `, ${incomplete} incomplete` : ''}\n`);
}
