/**
 * etcd (Debian's etcd-server, or a binary the user names) on real nodes, in
 * the shape of the bundled coordinator's RealCoordinator: start a member per
 * node, wait until the cluster is healthy, sample each member's role and
 * term (raft.status in /debug/vars), name the versions that ran (etcd's
 * from /version, Go's from /metrics, read from the running members), read
 * each member's final registers, and open workload clients.
 *
 * Clock faults: etcd is Go, which reads the clock without libc, so
 * libfaketime does not reach it; clockControl() refuses with the reason.
 */
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { FaultlineError } from '../../common/errors.js';
import type { RoleSample } from '../../checkers/checker.js';
import type { RealNodeInfo } from '../../harness/runtimes/real/index.js';
import type { WorkloadClient } from '../../workloads/index.js';
import { logTails, OperationEnded, summarizeVersions, type ProcessCluster, RoleSampler } from '../real-support/index.js';
import { clientUrl, DEFAULT_TIMING, etcdProcessSpec, type EtcdInstall, type EtcdTiming } from './command.js';
import { EtcdConnection } from './connection.js';
import { etcdVersion, goVersion, raftStatus, revision, type RaftStatus } from './probes.js';
import { readRegister, type EtcdReadMode } from './recipes.js';
import { etcdWorkloadClient } from './workload-client.js';

export { etcdWorkloadClient, type EtcdWorkloadOptions } from './workload-client.js';
export { EtcdConnection, RUN_ONCE } from './connection.js';
export type { EtcdInstall, EtcdTiming } from './command.js';
export type { EtcdReadMode } from './recipes.js';

const PROBE_TIMEOUT_MS = 500;
const HEALTH_POLL_MS = 100;
const LOG_LINES_ON_FAILURE = 8;

export interface RealEtcdOptions {
  install?: EtcdInstall;
  timing?: EtcdTiming;
  /** Every client call's deadline: past it the operation is unknown. */
  callTimeoutMs?: number;
  readMode?: EtcdReadMode;
  /** Keeps members of different clusters apart; default derived from the nodes' data directories. */
  clusterToken?: string;
}

export interface NodeStatus extends RaftStatus {
  node: string;
}

export interface HealthReport {
  leader: string;
  term: number;
}

export class RealEtcd {
  private readonly clients = new Set<WorkloadClient>();
  private nextPinned = 0;

  private readonly roles: RoleSampler;

  constructor(
    private readonly cluster: ProcessCluster,
    private readonly options: RealEtcdOptions = {},
  ) {
    this.roles = new RoleSampler(cluster.nodes.map((node) => node.name));
  }

  get nodes(): string[] {
    return this.cluster.nodes.map((node) => node.name);
  }

  /** Starts every member; a restart by the nemesis reuses the command line. */
  async start(): Promise<void> {
    const token = this.options.clusterToken ?? `faultline-${createHash('sha256').update(this.cluster.nodes.map((node) => node.dataDirectory).join(',')).digest('hex').slice(0, 16)}`;
    const timing = this.options.timing ?? DEFAULT_TIMING;
    await Promise.all(this.cluster.nodes.map((node) => this.cluster.start(node.name, etcdProcessSpec(this.cluster.nodes, node, token, this.options.install ?? {}, timing))));
  }

  /** Waits until every member answers and names the same leader in the same term. */
  async awaitHealthy(timeoutMs: number, now: () => number): Promise<HealthReport> {
    const startMs = now();
    let last = 'no member answered';
    while (now() - startMs < timeoutMs) {
      const statuses = [...(await this.statuses()).values()];
      const leaders = statuses.filter((status) => status.role === 'leader');
      const seen = new Set(statuses.map((status) => `${status.leaderId}@${status.term}`));
      if (statuses.length === this.cluster.nodes.length && leaders.length === 1 && seen.size === 1) {
        const leader = leaders[0] as NodeStatus;
        this.roles.knowLeader(leader.node);
        return { leader: leader.node, term: leader.term };
      }
      last = `${statuses.length} of ${this.cluster.nodes.length} members answered; roles ${statuses.map((status) => `${status.node}=${status.role}@${status.term}`).join(', ') || 'none'}`;
      await delay(HEALTH_POLL_MS);
    }
    throw new FaultlineError('E_INFRASTRUCTURE', `the etcd cluster did not become healthy within ${timeoutMs / 1000} s (${last})\n${logTails(this.cluster.nodes, LOG_LINES_ON_FAILURE)}`, {
      where: `${this.cluster.runtime} runtime`,
      hint: "see each node's process.log in the run directory's nodes/ folder; is etcd installed (bash scripts/setup.sh)?",
    });
  }

  /** The status of every member that answered within the probe timeout. */
  async statuses(): Promise<Map<string, NodeStatus>> {
    const answers = await Promise.all(
      this.cluster.nodes.map(async (node) => {
        try {
          return { node: node.name, ...(await raftStatus(clientUrl(node), PROBE_TIMEOUT_MS)) };
        } catch {
          return null;
        }
      }),
    );
    return new Map(answers.filter((answer): answer is NodeStatus => answer !== null).map((answer) => [answer.node, answer]));
  }

  /** One role sample per member, stamped with the run's clock (ns); a member that did not answer is "unreachable" at its last term. */
  async sampleRoles(timeNs: () => number): Promise<RoleSample[]> {
    const statuses = await this.statuses();
    const roles = new Map([...statuses].map(([node, status]) => [node, { role: status.role, epoch: status.term, commitPosition: status.commitIndex }]));
    return this.roles.sample(roles, timeNs());
  }

  /** The leader as last sampled: what "isolate the leader" targets. */
  leader(): string | null {
    return this.roles.leader();
  }

  /** Whether every member but the crashed ones answers at the same key-value revision. */
  async converged(crashed: ReadonlySet<string>): Promise<boolean> {
    const live = this.cluster.nodes.filter((node) => !crashed.has(node.name));
    const revisions = await Promise.all(live.map((node) => revision(clientUrl(node), PROBE_TIMEOUT_MS).catch(() => null)));
    return revisions.every((answer) => answer !== null) && new Set(revisions).size === 1;
  }

  /** Refused: etcd is Go, which reads the clock without libc, so libfaketime cannot skew it, and the host's clock is shared by every node. */
  clockControl(): never {
    throw new FaultlineError('E_UNSUPPORTED', 'etcd cannot take clock faults here', {
      where: 'clock nemesis',
      hint: "etcd is written in Go, which reads the clock without libc, so libfaketime does not reach it, and skewing the host's clock would skew every node (and its leases and elections use monotonic time anyway): run the clock nemesis on ZooKeeper or the bundled coordinator",
    });
  }

  /** etcd's and Go's versions as the running members report them. */
  async versions(): Promise<{ etcd: string; go: string }> {
    const [etcd, go] = [new Map<string, string>(), new Map<string, string>()];
    await Promise.all(
      this.cluster.nodes.map(async (node) => {
        try {
          etcd.set(node.name, await etcdVersion(clientUrl(node), PROBE_TIMEOUT_MS * 4));
          go.set(node.name, await goVersion(clientUrl(node), PROBE_TIMEOUT_MS * 4));
        } catch {
          // A member that does not answer names no version; the others do.
        }
      }),
    );
    return { etcd: summarizeVersions(etcd), go: summarizeVersions(go) };
  }

  /** Each member's registers from its own state (serializable reads); a member that does not answer is left out. */
  async finalRegisters(keys: string[], timeoutMs = 5_000): Promise<Record<string, Record<string, unknown>>> {
    const states: Record<string, Record<string, unknown>> = {};
    await Promise.all(
      this.cluster.nodes.map(async (node) => {
        const connection = this.connect(node, timeoutMs);
        try {
          const values: Record<string, unknown> = {};
          for (const key of keys) values[key] = await readRegister(connection, key, 'serializable');
          states[node.name] = values;
        } catch (error) {
          if (!(error instanceof OperationEnded)) throw error;
        } finally {
          connection.close();
        }
      }),
    );
    return states;
  }

  /** A workload client for one worker, pinned to `node` (default: the members in turn). */
  workloadClient(options: { node?: string; acquireTimeoutMs?: number; leaseTtlSeconds?: number } = {}): WorkloadClient {
    const node = options.node === undefined ? this.cluster.nodes[this.nextPinned++ % this.cluster.nodes.length] : this.cluster.nodes.find((candidate) => candidate.name === options.node);
    if (node === undefined) throw new FaultlineError('E_USAGE', `no node named ${options.node}`, { where: 'etcd workload client' });
    const client = etcdWorkloadClient({
      open: () => this.connect(node, this.options.callTimeoutMs ?? 5_000),
      readMode: this.options.readMode ?? 'linearizable',
      ...(options.acquireTimeoutMs === undefined ? {} : { acquireTimeoutMs: options.acquireTimeoutMs }),
      ...(options.leaseTtlSeconds === undefined ? {} : { leaseTtlSeconds: options.leaseTtlSeconds }),
      onClose: () => this.clients.delete(client),
    });
    this.clients.add(client);
    return client;
  }

  /** Closes every client this opened, so the harness process can exit. */
  close(): void {
    for (const client of this.clients) client.close();
    this.clients.clear();
  }

  private connect(node: RealNodeInfo, callTimeoutMs: number): EtcdConnection {
    return new EtcdConnection({ node: node.name, url: clientUrl(node), callTimeoutMs });
  }
}
