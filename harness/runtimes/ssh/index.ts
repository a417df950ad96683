/**
 * The ssh runtime: nodes on machines reached over SSH (ssh2), one node per
 * host. The registry holds its description (runtime.ts); the CLI's clean
 * and the config checks use the rest.
 */
import type { SshTarget } from '../index.js';

export { sshRuntime } from './runtime.js';
export { parseHostAddress, type HostAddress } from './host-address.js';

/** faultline clean --runtime ssh: what killed runs left on the hosts. */
export async function cleanSshHosts(target: SshTarget, dryRun: boolean): Promise<string[]> {
  return (await import('./clean.js')).cleanSsh(target, dryRun);
}
