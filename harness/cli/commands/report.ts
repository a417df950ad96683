/** `faultline report <run-dir>`: rebuild a run's report.html from its stored files. */
import type { CommandModule } from 'yargs';
import { writeRunReport } from '../../../reports/index.js';

interface ReportArguments {
  run: string;
}

export const reportCommand: CommandModule<object, ReportArguments> = {
  command: 'report <run>',
  describe: "Write a run's report.html from its stored files (config, history, results, roles) and print its path",
  builder: (yargs) =>
    yargs.positional('run', { type: 'string', demandOption: true, describe: 'a run directory, e.g. runs/latest' }).strict() as never,
  handler: async (argv) => {
    const path = await writeRunReport(argv.run);
    process.stdout.write(`${path}\n`);
  },
};
