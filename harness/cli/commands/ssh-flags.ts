/** The ssh runtime's flags, shared by test, compare and clean: they become the RunConfig's ssh* fields. */
import type { Argv } from 'yargs';
import type { RunConfig } from '../../run/config.js';

export interface SshArguments {
  'ssh-hosts'?: string;
  'ssh-key'?: string;
  'ssh-known-hosts'?: string;
  'ssh-accept-new-host-keys'?: boolean;
}

export function withSshFlags<T>(yargs: Argv<T>): Argv<T & SshArguments> {
  return yargs
    .option('ssh-hosts', { type: 'string', describe: 'ssh runtime: user@host[:port],... one host per node, in node order' })
    .option('ssh-key', { type: 'string', describe: 'ssh runtime: private key file (default: the SSH agent)' })
    .option('ssh-known-hosts', { type: 'string', describe: 'ssh runtime: known_hosts file host keys are checked against (default ~/.ssh/known_hosts)' })
    .option('ssh-accept-new-host-keys', { type: 'boolean', describe: "ssh runtime: trust and record a host key never seen (a changed key is refused always); the run's config records it" }) as Argv<T & SshArguments>;
}

/** The flags given, as config fields (absent ones stay unset, so a config file's values stand). */
export function sshFlagsOf(argv: SshArguments): Partial<RunConfig> {
  return {
    ...(argv['ssh-hosts'] === undefined ? {} : { sshHosts: argv['ssh-hosts'] as unknown as string[] }),
    ...(argv['ssh-key'] === undefined ? {} : { sshKey: argv['ssh-key'] }),
    ...(argv['ssh-known-hosts'] === undefined ? {} : { sshKnownHosts: argv['ssh-known-hosts'] }),
    ...(argv['ssh-accept-new-host-keys'] === undefined ? {} : { sshAcceptNewHostKeys: argv['ssh-accept-new-host-keys'] }),
  };
}
