/**
 * The bundled coordinator as a System, one per engine: on the simulator its
 * nodes are simulated hosts (sim/deployment.ts), on real runtimes they are
 * node processes reached over TCP (real-deployment.ts). Either is loaded only
 * when a run sets it up.
 */
import type { System } from '../index.js';
import { WORKLOAD_NAMES } from '../../workloads/names.js';
import { BUG_MODES } from './bugs.js';
import type { EngineKind } from './engine.js';

const ENGINE_WORDS: Record<EngineKind, string> = {
  raft: 'the bundled ZooKeeper-like coordinator on its Raft engine',
  zab: 'the bundled ZooKeeper-like coordinator on its ZAB engine',
};

export function coordinatorSystem(engine: EngineKind): System {
  return {
    name: `coordinator-${engine}`,
    summary: ENGINE_WORDS[engine],
    runtimes: ['sim', 'local', 'docker', 'ssh'],
    workloads: WORKLOAD_NAMES,
    readModes: [
      { name: 'linearizable', promises: 'linearizable', summary: 'reads go through the log (or a leader read barrier): linearizable' },
      { name: 'sequential', promises: 'sequential', summary: "reads served by the connected server's own state, ZooKeeper style: may be stale" },
      { name: 'lease', promises: 'linearizable', summary: 'the leader reads locally under a time lease: linearizable while clocks drift within bounds' },
    ],
    clockFaultsOn: ['sim', 'local', 'docker', 'ssh'],
    bugs: BUG_MODES.map((bug) => bug.name),
    setup: async (cluster, settings) => {
      if (cluster.hosts.kind === 'simulated') return (await import('./sim/deployment.js')).deployOnSimulator(cluster, cluster.hosts.simulation, engine, settings);
      return (await import('./real-deployment.js')).deployOnProcesses(cluster, cluster.hosts, engine, settings);
    },
  };
}
