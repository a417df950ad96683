/**
 * etcd on a real runtime as the System seam's Deployment: RealEtcd started
 * with what the run asked for (read mode, a user's own binary), healthy once
 * every member names one leader in one term; the term is the epoch.
 */
import type { Cluster, ProcessHosts } from '../../harness/runtimes/index.js';
import type { Deployment, SystemSettings } from '../index.js';
import { RealEtcd, type EtcdReadMode } from './index.js';

const HEALTHY_TIMEOUT_MS = 60_000;

export async function deployEtcd(cluster: Cluster, hosts: ProcessHosts, settings: SystemSettings): Promise<Deployment> {
  const etcd = new RealEtcd(
    { runtime: cluster.runtime, nodes: cluster.nodes, start: (node, spec) => hosts.start(node, spec) },
    {
      readMode: settings.readMode as EtcdReadMode,
      ...(settings.install === undefined ? {} : { install: { binary: settings.install } }),
    },
  );
  await etcd.start();
  const health = await etcd.awaitHealthy(HEALTHY_TIMEOUT_MS, () => cluster.scheduler.nowMs());
  return {
    health: { leader: health.leader, epoch: health.term },
    leader: () => etcd.leader(),
    sampleRoles: (timeNs) => etcd.sampleRoles(timeNs),
    openClients: () => () => etcd.workloadClient(),
    converged: (crashed) => etcd.converged(crashed),
    finalRegisters: (keys) => etcd.finalRegisters(keys),
    versions: () => etcd.versions(),
    close: async () => etcd.close(),
  };
}
