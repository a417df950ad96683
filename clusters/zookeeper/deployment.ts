/**
 * ZooKeeper on a real runtime as the System seam's Deployment: RealZooKeeper
 * started with what the run asked for (read mode, libfaketime when the run
 * skews clocks, a user's own release), healthy once one leader leads the
 * others in one epoch.
 */
import type { Cluster, ProcessHosts } from '../../harness/runtimes/index.js';
import type { Deployment, SystemSettings } from '../index.js';
import { RealZooKeeper, type ZooKeeperReadMode } from './index.js';

const HEALTHY_TIMEOUT_MS = 60_000;

export async function deployZooKeeper(cluster: Cluster, hosts: ProcessHosts, settings: SystemSettings): Promise<Deployment> {
  const zookeeper = new RealZooKeeper(
    {
      runtime: cluster.runtime,
      nodes: cluster.nodes,
      start: (node, spec) => hosts.start(node, spec),
      ...(hosts.writeFile === undefined ? {} : { writeFile: hosts.writeFile.bind(hosts) }),
      ...(hosts.readFile === undefined ? {} : { readFile: hosts.readFile.bind(hosts) }),
    },
    {
      readMode: settings.readMode as ZooKeeperReadMode,
      clockFaults: settings.clockFaults,
      ...(settings.install === undefined ? {} : { install: { installDirectory: settings.install } }),
    },
  );
  await zookeeper.start();
  const health = await zookeeper.awaitHealthy(HEALTHY_TIMEOUT_MS, () => cluster.scheduler.nowMs());
  return {
    health,
    leader: () => zookeeper.leader(),
    sampleRoles: (timeNs) => zookeeper.sampleRoles(timeNs),
    ...(settings.clockFaults ? { clockControl: () => zookeeper.clockControl() } : {}),
    openClients: () => () => zookeeper.workloadClient(),
    converged: (crashed) => zookeeper.converged(crashed),
    finalRegisters: (keys) => zookeeper.finalRegisters(keys),
    versions: () => zookeeper.versions(),
    close: async () => zookeeper.close(),
  };
}
