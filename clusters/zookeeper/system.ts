/**
 * Apache ZooKeeper as a System: Debian's package (or a release the user
 * unpacked, --install DIR) on the host's Java, on the local and docker
 * runtimes. Its code loads when a run sets it up.
 */
import type { System } from '../index.js';

export const zookeeperSystem: System = {
  name: 'zookeeper',
  summary: "Apache ZooKeeper (Debian's zookeeper 3.8, or --install DIR of an unpacked release) on the host's Java; client: node-zookeeper-client",
  runtimes: ['local', 'docker', 'ssh'],
  workloads: ['register', 'lock', 'lock-fencing', 'sequence'],
  readModes: [
    { name: 'sync', promises: 'linearizable', summary: 'sync, then read from the connected server: it has caught up with the leader first' },
    { name: 'local', promises: 'sequential', summary: "a plain read from the connected server's own state: may be stale, never goes back for a client (sequential consistency)" },
  ],
  // libfaketime in each JVM, verified from inside it.
  clockFaultsOn: ['local', 'docker'],
  clockFaultsNote: "libfaketime's offset file is written through this machine's file system, which ssh hosts do not share",
  bugs: [],
  setup: async (cluster, settings) => {
    if (cluster.hosts.kind !== 'processes') throw new Error('zookeeper runs on real runtimes only');
    return (await import('./deployment.js')).deployZooKeeper(cluster, cluster.hosts, settings);
  },
};
