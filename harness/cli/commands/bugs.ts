/** `faultline bugs`: the coordinator's deliberate bug modes, one line each. */
import type { CommandModule } from 'yargs';
import { BUG_MODES } from '../../../clusters/coordinator/bugs.js';

interface BugsArguments {
  json: boolean;
}

export const bugsCommand: CommandModule<object, BugsArguments> = {
  command: 'bugs',
  describe: "List the bundled coordinator's deliberate bug modes (for --bug)",
  builder: (yargs) =>
    yargs.option('json', { type: 'boolean', default: false, describe: 'one JSON object per line' }).strict(),
  handler: (argv) => {
    if (argv.json) {
      for (const bug of BUG_MODES) {
        const { name, description, workload, nemesis, readMode, maxActiveFaults, nodes, partitionTargets } = bug;
        const line = {
          name,
          description,
          workload,
          nemesis,
          ...(readMode === undefined ? {} : { readMode }),
          ...(maxActiveFaults === undefined ? {} : { maxActiveFaults }),
          ...(nodes === undefined ? {} : { nodes }),
          ...(partitionTargets === undefined ? {} : { partitionTargets }),
        };
        process.stdout.write(`${JSON.stringify(line)}\n`);
      }
      return;
    }
    const width = Math.max(...BUG_MODES.map((bug) => bug.name.length));
    for (const bug of BUG_MODES) {
      const extras = [
        ...(bug.readMode === undefined ? [] : [`--read-mode ${bug.readMode}`]),
        ...(bug.maxActiveFaults === undefined ? [] : [`--max-active-faults ${bug.maxActiveFaults}`]),
        ...(bug.nodes === undefined ? [] : [`--nodes ${bug.nodes}`]),
        ...(bug.partitionTargets === undefined ? [] : [`--partitions ${bug.partitionTargets.join(',')}`]),
      ];
      process.stdout.write(`${bug.name.padEnd(width)}  ${bug.description} (${[bug.workload, bug.nemesis, ...extras].join(', ')})\n`);
    }
  },
};
