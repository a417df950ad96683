/**
 * The ssh runtime as the Runtime seam, as data: nodes on machines reached
 * over SSH, one node per host, with the same faults and fault timing as the
 * other real runtimes. Its code (ssh2, the hosts) loads when a run boots it.
 */
import type { Runtime } from '../index.js';
import { FAULT_TIMING, FAULTS } from '../real/runtime.js';

export const sshRuntime: Runtime = {
  name: 'ssh',
  summary: 'one node per machine reached over SSH (--ssh-hosts, --ssh-key, --ssh-known-hosts); iptables and signals there',
  faults: FAULTS,
  faultTiming: FAULT_TIMING,
  boot: async (request) => (await import('./cluster.js')).bootSsh(request, FAULTS),
  // The config checks made sure of one host per node and wrote out the known_hosts file and the acceptance of new keys.
  bootOptions: (config) =>
    config.sshHosts === undefined
      ? {}
      : {
          ssh: {
            hosts: config.sshHosts,
            ...(config.sshKey === undefined ? {} : { keyFile: config.sshKey }),
            knownHostsFile: config.sshKnownHosts ?? `${process.env.HOME ?? ''}/.ssh/known_hosts`,
            acceptNewHostKeys: config.sshAcceptNewHostKeys === true,
          },
        },
};
