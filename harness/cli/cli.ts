/** The faultline command line: its commands and how their errors are told. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { UsageError } from '../../common/errors.js';
import { bugsCommand } from './commands/bugs.js';
import { systemsCommand } from './commands/systems.js';
import { shrinkCommand } from './commands/shrink.js';
import { cleanCommand } from './commands/clean.js';
import { nodeCommand } from './commands/node.js';
import { checkCommand } from './commands/check.js';
import { compareCommand } from './commands/compare.js';
import { indexCommand } from './commands/index-page.js';
import { replayCommand } from './commands/replay.js';
import { reportCommand } from './commands/report.js';
import { testCommand } from './commands/run-tests.js';
import { reportError } from './errors.js';

export async function main(argumentsList: string[]): Promise<number> {
  let exitCode = 0;
  // A reader that stops early (`faultline replay ... | head`) closes the pipe: stop writing, as Unix tools do, without a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(exitCode);
  });
  const parser = yargs(argumentsList)
    .scriptName('faultline')
    .usage('$0 <command> [options]\n\nJepsen-style fault injection for coordination services.')
    .command(checkCommand((code) => (exitCode = code)))
    .command(testCommand((code) => (exitCode = code)))
    .command(replayCommand((code) => (exitCode = code)))
    .command(shrinkCommand((code) => (exitCode = code)))
    .command(compareCommand((code) => (exitCode = code)))
    .command(indexCommand((code) => (exitCode = code)))
    .command(reportCommand)
    .command(bugsCommand)
    .command(systemsCommand)
    .command(cleanCommand)
    .command(nodeCommand)
    .demandCommand(1, 'name a command: faultline <command> --help shows its options')
    .recommendCommands()
    .strict()
    .help()
    .alias('help', 'h')
    .version()
    .wrap(Math.min(120, process.stdout.columns ?? 120))
    .fail((message, error) => {
      if (error !== undefined && error !== null) throw error;
      throw new UsageError(message, { hint: 'run faultline --help, or faultline <command> --help' });
    });
  try {
    await parser.parseAsync();
  } catch (error) {
    return reportError(error, (text) => process.stderr.write(text));
  }
  return exitCode;
}

/** Runs the command line and sets the exit code. */
export async function runCommandLine(): Promise<void> {
  try {
    process.exitCode = await main(hideBin(process.argv));
  } catch (error) {
    process.exitCode = reportError(error, (text) => process.stderr.write(text));
  }
}
