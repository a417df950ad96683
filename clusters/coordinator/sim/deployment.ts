/**
 * The coordinator on the simulator: its nodes and its clients become hosts
 * of the runtime's Simulation, each client host of its own; roles, the
 * leader, convergence and final states are read straight from the nodes
 * (no network round: the simulator can look inside).
 */
import type { RoleSample } from '../../../checkers/checker.js';
import type { Cluster, SimulatedHosts } from '../../../harness/runtimes/index.js';
import type { Deployment, SystemSettings } from '../../index.js';
import type { CoordinatorClient } from '../client/client.js';
import type { EngineKind } from '../engine.js';
import { readRegisters } from '../node.js';
import type { ReadMode } from '../service/types.js';
import { coordinatorWorkloadClient } from '../workload-client.js';
import type { Clock } from '../world.js';
import { CoordinatorCluster, type ClientSettings } from './cluster.js';

export async function deployOnSimulator(cluster: Cluster, simulation: SimulatedHosts, engine: EngineKind, settings: SystemSettings): Promise<Deployment> {
  const coordinator = new CoordinatorCluster({ simulation, engine, nodes: cluster.nodes.length, bugs: settings.bugs });
  return {
    leader: () => coordinator.leader(),
    sampleRoles: (timeNs) => roleSamples(coordinator, timeNs()),
    openClients: () => {
      let clientCount = 0;
      const timeout = settings.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: settings.sessionTimeoutMs };
      const clients = openSimulatedClient(coordinator, () => `c${++clientCount}`, timeout);
      return () => coordinatorWorkloadClient({ ...clients, readMode: settings.readMode as ReadMode, bugs: settings.bugs });
    },
    // Crashed nodes are restarted by the heal on the simulator: every replica must agree.
    converged: () => coordinator.converged(),
    finalRegisters: (keys) => {
      const states: Record<string, Record<string, unknown>> = {};
      for (const address of coordinator.members) {
        const node = coordinator.node(address);
        if (node !== null) states[address] = readRegisters(node.service(), keys);
      }
      return states;
    },
    finalEphemerals: () => {
      const states: Record<string, { ephemerals: Array<{ path: string; owner: number }>; liveSessions: number[] }> = {};
      for (const address of coordinator.members) {
        const service = coordinator.node(address)?.service();
        if (service !== undefined) states[address] = { ephemerals: service.ephemerals(), liveSessions: service.liveSessions.map((session) => session.sessionId) };
      }
      return states;
    },
    versions: () => ({ coordinator: settings.harnessVersion, engine }),
    close: async () => {},
  };
}

/**
 * A client host of its own per process: the deployment calls open() once as
 * it is made, and again only after a session expires.
 */
function openSimulatedClient(
  cluster: CoordinatorCluster,
  nextAddress: () => string,
  settings: ClientSettings,
): { open(): CoordinatorClient; clock: Pick<Clock, 'setTimer' | 'clearTimer'> } {
  let clock: Clock | undefined;
  const open = (): CoordinatorClient => {
    let client: CoordinatorClient | undefined;
    cluster.addClient(nextAddress(), settings, (booted, world) => {
      client = booted;
      // Timers stay on the first host (client hosts never crash), so a handle is always cleared where it was set.
      clock ??= world.clock;
    });
    return client!;
  };
  return {
    open,
    clock: { setTimer: (delayMs, callback) => clock!.setTimer(delayMs, callback), clearTimer: (handle) => clock!.clearTimer(handle) },
  };
}

function roleSamples(cluster: CoordinatorCluster, time: number): RoleSample[] {
  const samples: RoleSample[] = [];
  for (const address of cluster.members) {
    const node = cluster.node(address);
    if (node === null) continue;
    const status = node.status();
    samples.push({ time, node: address, role: status.role, epoch: status.epoch, commitPosition: status.commitPosition });
  }
  return samples;
}
