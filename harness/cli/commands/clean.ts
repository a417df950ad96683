/**
 * `faultline clean`: removes what a killed faultline left behind on this host
 * (docker containers and networks by label; network namespaces, bridges,
 * veths and FORWARD rules by name; the node processes still running in
 * them; the nodes' temporary data directories by their owner file), leaving
 * alone whatever a live faultline run still uses. With --runtime ssh and the
 * hosts' flags, the same on those hosts (processes, run directories and
 * faultline's iptables chain).
 */
import type { Argv, CommandModule } from 'yargs';
import { cleanLeftovers } from '../../runtimes/real/index.js';
import { readConfigFile, type RunConfig } from '../../run/config.js';
import { placeOf, sshHostList } from '../../run/config-checks.js';
import { runtimeNamed } from '../../runtimes/index.js';
import { sshFlagsOf, withSshFlags, type SshArguments } from './ssh-flags.js';

interface CleanArguments extends SshArguments {
  'dry-run': boolean;
  runtime?: string;
  config?: string;
}

async function leftovers(argv: CleanArguments): Promise<string[]> {
  if (argv.runtime !== 'ssh') return cleanLeftovers({ dryRun: argv['dry-run'] });
  const fileLayer = argv.config === undefined ? {} : readConfigFile(argv.config);
  const merged = { ...fileLayer, ...sshFlagsOf(argv) };
  // Only the ssh options count here (no system or nodes): the hosts through their rule, the rest as a run would default them.
  const sshHosts = sshHostList(merged.sshHosts, placeOf('sshHosts', undefined));
  const request = runtimeNamed('ssh').bootOptions?.({ ...merged, sshHosts } as RunConfig) ?? {};
  const { cleanSshHosts } = await import('../../runtimes/ssh/index.js');
  if (request.ssh === undefined) return [];
  return cleanSshHosts(request.ssh, argv['dry-run']);
}

export const cleanCommand: CommandModule<object, CleanArguments> = {
  command: 'clean',
  describe: 'Remove the containers, networks, namespaces, bridges, iptables rules, processes and temporary data directories a killed run left behind',
  builder: (yargs) =>
    withSshFlags(
      yargs
        .option('dry-run', { type: 'boolean', default: false, describe: 'only list what would be removed' })
        .option('runtime', { type: 'string', choices: ['ssh'], describe: 'ssh: clean the hosts named by --ssh-hosts instead of this machine' })
        .option('config', { type: 'string', describe: 'with --runtime ssh: a JSON config file holding the ssh options' })
        .strict(),
    ) as unknown as Argv<CleanArguments>,
  handler: async (argv) => {
    const removed = await leftovers(argv);
    if (removed.length === 0) {
      process.stdout.write('nothing to clean\n');
      return;
    }
    process.stdout.write(argv['dry-run'] ? 'would remove:\n' : 'removed:\n');
    for (const line of removed) process.stdout.write(`  ${line}\n`);
  },
};
