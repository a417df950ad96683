/**
 * `faultline clean`: removes what a killed faultline left behind on this host
 * (docker containers and networks by label; network namespaces, bridges,
 * veths and FORWARD rules by name; the node processes still running in
 * them; the nodes' temporary data directories by their owner file), leaving
 * alone whatever a live faultline run still uses.
 */
import type { CommandModule } from 'yargs';
import { cleanLeftovers } from '../../runtimes/real/index.js';

interface CleanArguments {
  'dry-run': boolean;
}

export const cleanCommand: CommandModule<object, CleanArguments> = {
  command: 'clean',
  describe: 'Remove the containers, networks, namespaces, bridges, iptables rules, processes and temporary data directories a killed run left behind',
  builder: (yargs) =>
    yargs.option('dry-run', { type: 'boolean', default: false, describe: 'only list what would be removed' }).strict(),
  handler: async (argv) => {
    const removed = await cleanLeftovers({ dryRun: argv['dry-run'] });
    if (removed.length === 0) {
      process.stdout.write('nothing to clean\n');
      return;
    }
    process.stdout.write(argv['dry-run'] ? 'would remove:\n' : 'removed:\n');
    for (const line of removed) process.stdout.write(`  ${line}\n`);
  },
};
