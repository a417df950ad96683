/**
 * The real runtimes (docker containers, local network namespaces): booting a
 * cluster whose node processes run for real, and cleaning up what a killed
 * faultline left behind. Each runtime's code loads only when it is used.
 */
import type { BootOptions, RealCluster } from './types.js';

export { createWorkDirectory } from './work-directory.js';
export type { BootOptions, ClockControl, NodeProcessSpec, RealCluster, RealFaultControl, RealNodeInfo } from './types.js';

export async function bootRuntime(name: 'docker' | 'local', options: BootOptions): Promise<RealCluster> {
  if (name === 'docker') {
    const { bootDocker } = await import('../docker/cluster.js');
    return bootDocker(options);
  }
  const { bootLocal } = await import('../local/cluster.js');
  return bootLocal(options);
}

/** Removes (or with dryRun only lists) every faultline resource no live faultline owns; one line per item. */
export async function cleanLeftovers(options: { dryRun?: boolean } = {}): Promise<string[]> {
  const dryRun = options.dryRun ?? false;
  const { cleanDocker } = await import('../docker/clean.js');
  const { cleanLocal } = await import('../local/clean.js');
  const { cleanWorkDirectories } = await import('./work-directory.js');
  // Directories last: the containers and processes that wrote into them are gone by then.
  return [...(await cleanDocker(dryRun)), ...(await cleanLocal(dryRun)), ...cleanWorkDirectories(dryRun)];
}
