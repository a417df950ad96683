/**
 * The coordinator on a real runtime: one node process per node (the
 * harness's own Node.js running the node script), healthy once every node
 * names one leader in one epoch; roles, clock faults and final states through
 * each node's admin endpoint; clients over TCP.
 */
import type { Cluster, ProcessHosts } from '../../harness/runtimes/index.js';
import type { Deployment, SystemSettings } from '../index.js';
import type { EngineKind } from './engine.js';
import { RealCoordinator } from './real-system.js';
import type { ReadMode } from './service/types.js';
import { coordinatorWorkloadClient } from './workload-client.js';

const HEALTHY_TIMEOUT_MS = 20_000;

export async function deployOnProcesses(cluster: Cluster, hosts: ProcessHosts, engine: EngineKind, settings: SystemSettings): Promise<Deployment> {
  const coordinator = new RealCoordinator(cluster, hosts, { engine, bugs: [...settings.bugs], seed: settings.seed, nodeExecutable: settings.nodeExecutable });
  await coordinator.start();
  const health = await coordinator.awaitHealthy(HEALTHY_TIMEOUT_MS, () => cluster.scheduler.nowMs());
  return {
    health,
    leader: () => coordinator.leader(),
    sampleRoles: (timeNs) => coordinator.sampleRoles(timeNs),
    clockControl: () => coordinator.clockControl(),
    openClients: (clientsSeed) => {
      const clients = coordinator.clientFactory(clientsSeed);
      return () => coordinatorWorkloadClient({ ...clients, readMode: settings.readMode as ReadMode, bugs: settings.bugs });
    },
    converged: async (crashed) => {
      const statuses = [...(await coordinator.statuses()).values()].filter((status) => !crashed.has(status.node));
      return statuses.length === cluster.nodes.length - crashed.size && new Set(statuses.map((status) => status.digest)).size === 1;
    },
    finalRegisters: (keys) => coordinator.finalRegisters(keys),
    // The nodes run the harness's own Node.js and code.
    versions: () => ({ coordinator: settings.harnessVersion, node: process.versions.node }),
    close: async () => coordinator.close(),
  };
}
