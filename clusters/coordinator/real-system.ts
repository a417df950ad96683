/**
 * The bundled coordinator as a System on real nodes (Docker containers or
 * network namespaces): starts one node process per node, waits until the
 * cluster is healthy, samples roles through the admin endpoint, skews clocks
 * for the clock nemesis, reads final replica states, and opens TCP clients for
 * the workers. The runtime (where processes run, faults) is handed in.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { FaultlineError } from '../../common/errors.js';
import type { RoleSample } from '../../checkers/checker.js';
import type { ClockControl, ClockSkew, NodeInfo, ProcessHosts } from '../../harness/runtimes/index.js';
import { AdminClient, createTcpClientFactory, NODE_MAIN, nodeArguments, type AdminStatus } from './server/index.js';
import type { CoordinatorClient } from './client/client.js';
import { RoleSampler } from '../real-support/role-sampler.js';
import type { Clock } from './world.js';

export const NODE_PORT = 7000;
export const ADMIN_PORT = 7001;
/** A probe of an isolated or paused node must not hold up the others. */
const PROBE_TIMEOUT_MS = 500;
const HEALTH_POLL_MS = 100;

export interface RealCoordinatorOptions {
  engine: 'raft' | 'zab';
  bugs: string[];
  seed: number;
  /** The JavaScript runtime that runs the node script: the harness's own node. */
  nodeExecutable: string;
}

export interface HealthReport {
  leader: string;
  epoch: number;
}

export class RealCoordinator {
  private readonly admins = new Map<string, AdminClient>();
  private readonly members: Record<string, string> = {};
  private clients: ReturnType<typeof createTcpClientFactory> | null = null;

  private readonly cluster: { runtime: string; nodes: readonly NodeInfo[]; start: ProcessHosts['start'] };

  private readonly roles: RoleSampler;

  constructor(
    cluster: { runtime: string; nodes: readonly NodeInfo[] },
    hosts: Pick<ProcessHosts, 'start'>,
    private readonly options: RealCoordinatorOptions,
  ) {
    this.cluster = { runtime: cluster.runtime, nodes: cluster.nodes, start: hosts.start };
    this.roles = new RoleSampler(cluster.nodes.map((node) => node.name));
    for (const node of cluster.nodes) {
      this.members[node.name] = `${node.address}:${NODE_PORT}`;
      this.admins.set(node.name, new AdminClient(`http://${node.address}:${ADMIN_PORT}`, PROBE_TIMEOUT_MS));
    }
  }

  get nodes(): string[] {
    return this.cluster.nodes.map((node) => node.name);
  }

  /** Starts every node's process; each restart by the nemesis reuses its command line. */
  async start(): Promise<void> {
    await Promise.all(
      this.cluster.nodes.map((node) =>
        this.cluster.start(node.name, {
          command: this.options.nodeExecutable,
          args: [
            NODE_MAIN,
            ...nodeArguments({
              id: node.name,
              engine: this.options.engine,
              members: this.members,
              dataDirectory: node.dataDirectory,
              port: NODE_PORT,
              adminPort: ADMIN_PORT,
              bugs: this.options.bugs,
              seed: this.options.seed,
            }),
          ],
        }),
      ),
    );
  }

  /** Waits for one leader that every node names, in one epoch; an infrastructure error past the deadline. */
  async awaitHealthy(timeoutMs: number, now: () => number): Promise<HealthReport> {
    const startMs = now();
    let last = 'no node answered';
    while (now() - startMs < timeoutMs) {
      const statuses = await this.statuses();
      const answered = [...statuses.values()];
      const leaders = new Set(answered.map((status) => status.leader));
      const epochs = new Set(answered.map((status) => status.epoch));
      const leader = answered.find((status) => status.role === 'leader');
      if (answered.length === this.cluster.nodes.length && leader !== undefined && leaders.size === 1 && epochs.size === 1 && leaders.has(leader.node)) {
        this.roles.knowLeader(leader.node);
        return { leader: leader.node, epoch: leader.epoch };
      }
      last = `${answered.length} of ${this.cluster.nodes.length} nodes answered; roles ${answered.map((status) => `${status.node}=${status.role}@${status.epoch}`).join(', ') || 'none'}`;
      await delay(HEALTH_POLL_MS);
    }
    throw new FaultlineError('E_INFRASTRUCTURE', `the coordinator cluster did not become healthy within ${timeoutMs / 1000} s (${last})`, {
      where: `${this.cluster.runtime} runtime`,
      hint: "see each node's process.log and node.log in the run directory's nodes/ folder",
    });
  }

  /** Every node's status that answered within the probe timeout. */
  async statuses(): Promise<Map<string, AdminStatus>> {
    const entries = await Promise.all(
      [...this.admins].map(async ([name, admin]) => {
        try {
          return [name, await admin.status()] as const;
        } catch {
          return null;
        }
      }),
    );
    const statuses = new Map<string, AdminStatus>();
    for (const entry of entries) if (entry !== null) statuses.set(entry[0], entry[1]);
    return statuses;
  }

  /** One role sample per node, stamped with the run's clock (ns); a node that did not answer is "unreachable" at its last epoch. */
  async sampleRoles(timeNs: () => number): Promise<RoleSample[]> {
    const statuses = await this.statuses();
    const roles = new Map([...statuses].map(([node, status]) => [node, { role: status.role, epoch: status.epoch, ...(typeof status.commitPosition === 'number' ? { commitPosition: status.commitPosition } : {}) }]));
    return this.roles.sample(roles, timeNs());
  }

  /** The leader as last sampled: what "isolate the leader" targets. */
  leader(): string | null {
    return this.roles.leader();
  }

  /** Clock faults through each node's admin endpoint, verified against the node's own reading. */
  clockControl(): ClockControl {
    return {
      skew: async (node: string, skew: ClockSkew) => {
        const clock = await this.admin(node).skewClock(skew);
        const expectedRate = skew.rate ?? clock.rate;
        const offsetSeen = skew.bumpMs === undefined || Math.abs(clock.offsetMs) >= Math.abs(skew.bumpMs) / 2;
        if (!offsetSeen || Math.abs(clock.rate - expectedRate) > 1e-9 || (skew.strobe !== undefined && clock.strobe === null)) {
          throw new FaultlineError('E_INFRASTRUCTURE', `the clock skew ${JSON.stringify(skew)} did not take effect on ${node} (it reports ${JSON.stringify(clock)})`, { where: node });
        }
      },
      reset: async (node: string) => {
        const clock = await this.admin(node).resetClock();
        // A reset after drift may keep a sub-millisecond offset: time never runs backwards there.
        if (Math.abs(clock.offsetMs) > 1 || clock.rate !== 1 || clock.strobe !== null) {
          throw new FaultlineError('E_INFRASTRUCTURE', `the clock of ${node} did not return to true time (it reports ${JSON.stringify(clock)})`, { where: node });
        }
      },
    };
  }

  /** Each replica's applied register values; a node that does not answer is left out. */
  async finalRegisters(keys: string[]): Promise<Record<string, Record<string, unknown>>> {
    const states: Record<string, Record<string, unknown>> = {};
    await Promise.all(
      [...this.admins].map(async ([name, admin]) => {
        try {
          states[name] = await admin.registers(keys);
        } catch {
          // An unreachable replica has no final state to compare; convergence judges those that answered.
        }
      }),
    );
    return states;
  }

  /** Clients for the workers; call once. */
  clientFactory(seed: number, log?: (line: string) => void): { open(): CoordinatorClient; clock: Pick<Clock, 'setTimer' | 'clearTimer'> } {
    this.clients = createTcpClientFactory({ servers: this.members, seed, ...(log === undefined ? {} : { log }) });
    return this.clients;
  }

  /** Closes every client socket and timer, so the harness process can exit. */
  close(): void {
    this.clients?.close();
    this.clients = null;
  }

  private admin(node: string): AdminClient {
    const admin = this.admins.get(node);
    if (admin === undefined) throw new FaultlineError('E_USAGE', `no node named ${node}`, { where: 'clock nemesis' });
    return admin;
  }
}
