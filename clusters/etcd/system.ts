/**
 * etcd as a System: Debian's etcd-server (or --install of an etcd binary)
 * on the local and docker runtimes. No clock faults: etcd is Go, which reads
 * the clock without libc, so libfaketime does not reach it, and the host's
 * clock is every node's. Its code loads when a run sets it up.
 */
import type { System } from '../index.js';

export const etcdSystem: System = {
  name: 'etcd',
  summary: "etcd (Debian's etcd-server 3.4, or --install of an etcd binary); client: etcd3 with its retries off",
  runtimes: ['local', 'docker', 'ssh'],
  workloads: ['register', 'lock', 'lock-fencing', 'sequence'],
  readModes: [
    { name: 'linearizable', promises: 'linearizable', summary: "etcd's default read: confirmed with a quorum through the leader" },
    { name: 'serializable', promises: 'serializable', summary: "a read from the member's own state, without a quorum: may be stale" },
  ],
  clockFaultsOn: [],
  clockFaultsNote: "etcd is written in Go, which reads the clock without libc, so libfaketime cannot reach it, and the host's clock is every node's",
  bugs: [],
  setup: async (cluster, settings) => {
    if (cluster.hosts.kind !== 'processes') throw new Error('etcd runs on real runtimes only');
    return (await import('./deployment.js')).deployEtcd(cluster, cluster.hosts, settings);
  },
};
