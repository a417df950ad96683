/**
 * Apache ZooKeeper (Debian's package, or a release a user unpacked) on real
 * nodes, in the shape of the bundled coordinator's RealCoordinator: start a
 * node process per node, wait until the ensemble is healthy, sample each
 * node's role (four-letter word srvr) and epoch (the larger of the zxid's
 * and the currentEpoch file's), name the versions that ran
 * (ZooKeeper's from srvr, Java's from envi, both read from the running
 * nodes), read each replica's final registers, and open workload clients.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { FaultlineError } from '../../common/errors.js';
import type { RoleSample } from '../../checkers/checker.js';
import type { WorkloadClient } from '../../workloads/index.js';
import { logTails, summarizeVersions, type ProcessCluster, RoleSampler } from '../real-support/index.js';
import { CLIENT_PORT, currentEpoch, DEFAULT_TIMING, nodeProcessSpec, writeNodeConfig, type ZooKeeperInstall, type ZooKeeperTiming } from './config.js';
import { faketimeEnvironment, ZooKeeperClockControl } from './clock.js';
import { askFourLetterWord, parseEnvi, parseSrvr, type ServerStatus } from './four-letter-words.js';
import { OperationEnded } from './outcomes.js';
import { readRegister, type ZooKeeperReadMode } from './recipes.js';
import { ZooKeeperSession } from './session.js';
import { zookeeperWorkloadClient } from './workload-client.js';

export { zookeeperWorkloadClient, type ZooKeeperWorkloadOptions } from './workload-client.js';
export { ZooKeeperSession } from './session.js';
export { ZooKeeperClockControl, LIBFAKETIME } from './clock.js';
export type { ZooKeeperInstall, ZooKeeperTiming } from './config.js';
export type { ZooKeeperReadMode } from './recipes.js';

/** A probe of an isolated or paused node must not hold up the others. */
const PROBE_TIMEOUT_MS = 500;
const HEALTH_POLL_MS = 100;
const LOG_LINES_ON_FAILURE = 8;

export interface RealZooKeeperOptions {
  install?: ZooKeeperInstall;
  timing?: ZooKeeperTiming;
  /** Client sessions; ZooKeeper clamps it to 2..20 ticks. */
  sessionTimeoutMs?: number;
  /** Every client call's deadline: past it the operation is unknown. */
  callTimeoutMs?: number;
  readMode?: ZooKeeperReadMode;
  /** Environment added to every node's java. */
  env?: Record<string, string>;
  /** Preload libfaketime into every JVM, for clockControl() (it costs a file read per clock call). */
  clockFaults?: boolean;
}

export interface NodeStatus extends ServerStatus {
  node: string;
}

export interface HealthReport {
  leader: string;
  epoch: number;
}

export class RealZooKeeper {
  private readonly sessions = new Set<ZooKeeperSession>();
  private readonly clients = new Set<WorkloadClient>();
  private clock: ZooKeeperClockControl | undefined;

  private readonly roles: RoleSampler;

  constructor(
    private readonly cluster: ProcessCluster,
    private readonly options: RealZooKeeperOptions = {},
  ) {
    this.roles = new RoleSampler(cluster.nodes.map((node) => node.name));
  }

  get nodes(): string[] {
    return this.cluster.nodes.map((node) => node.name);
  }

  /** Writes each node's zoo.cfg and myid and starts its JVM; a restart by the nemesis reuses the command line. */
  async start(): Promise<void> {
    const timing = this.options.timing ?? DEFAULT_TIMING;
    await Promise.all(
      this.cluster.nodes.map(async (node) => {
        const configFile = await writeNodeConfig(this.cluster.nodes, node, timing, this.cluster.writeFile?.bind(this.cluster));
        const env = { ...this.options.env, ...(this.options.clockFaults === true ? faketimeEnvironment(node) : {}) };
        return this.cluster.start(node.name, nodeProcessSpec(configFile, this.options.install ?? {}, env));
      }),
    );
  }

  /** Waits for one leader and every other node following, in one epoch; an infrastructure error past the deadline. */
  async awaitHealthy(timeoutMs: number, now: () => number): Promise<HealthReport> {
    const startMs = now();
    let last = 'no node answered';
    while (now() - startMs < timeoutMs) {
      const statuses = [...(await this.statuses()).values()];
      const leaders = statuses.filter((status) => status.mode === 'leader');
      const serving = statuses.filter((status) => status.mode === 'leader' || status.mode === 'follower');
      const epochs = new Set(serving.map((status) => status.epoch));
      if (serving.length === this.cluster.nodes.length && leaders.length === 1 && epochs.size === 1) {
        const leader = leaders[0] as NodeStatus;
        this.roles.knowLeader(leader.node);
        return { leader: leader.node, epoch: leader.epoch };
      }
      last = `${statuses.length} of ${this.cluster.nodes.length} nodes answered; modes ${statuses.map((status) => `${status.node}=${status.mode}@${status.epoch}`).join(', ') || 'none'}`;
      await delay(HEALTH_POLL_MS);
    }
    throw new FaultlineError('E_INFRASTRUCTURE', `the ZooKeeper ensemble did not become healthy within ${timeoutMs / 1000} s (${last})\n${logTails(this.cluster.nodes, LOG_LINES_ON_FAILURE)}`, {
      where: `${this.cluster.runtime} runtime`,
      hint: "see each node's process.log in the run directory's nodes/ folder; is java installed (bash scripts/setup.sh)?",
    });
  }

  /** srvr of every node that answered within the probe timeout. */
  async statuses(): Promise<Map<string, NodeStatus>> {
    const answers = await Promise.all(
      this.cluster.nodes.map(async (node) => {
        try {
          const status = parseSrvr(await askFourLetterWord(node.address, CLIENT_PORT, 'srvr', PROBE_TIMEOUT_MS));
          if (status.mode === 'looking') return { node: node.name, ...status };
          // A follower's zxid keeps the last epoch it saw a transaction in; the epoch it follows in is on disk.
          return { node: node.name, ...status, epoch: Math.max(status.epoch, (await currentEpoch(node, this.cluster.readFile?.bind(this.cluster))) ?? 0) };
        } catch {
          return null;
        }
      }),
    );
    return new Map(answers.filter((answer): answer is NodeStatus => answer !== null).map((answer) => [answer.node, answer]));
  }

  /** One role sample per node, stamped with the run's clock (ns); a node that did not answer is "unreachable" at its last epoch. */
  async sampleRoles(timeNs: () => number): Promise<RoleSample[]> {
    const statuses = await this.statuses();
    // A node without quorum reports no zxid: it keeps the epoch it last had.
    const roles = new Map([...statuses].map(([node, status]) => [node, status.mode === 'looking' ? { role: status.mode } : { role: status.mode, epoch: status.epoch, commitPosition: Number(status.zxid) }]));
    return this.roles.sample(roles, timeNs());
  }

  /** The leader as last sampled: what "isolate the leader" targets. */
  leader(): string | null {
    return this.roles.leader();
  }

  /**
   * Whether every node but the crashed ones serves and has applied the same
   * last transaction. A leader with no transaction yet in its epoch reports
   * the epoch's first zxid while its followers, synced to it, report the last
   * transaction before: then the followers must agree among themselves.
   */
  async converged(crashed: ReadonlySet<string>): Promise<boolean> {
    const statuses = [...(await this.statuses()).values()].filter((status) => !crashed.has(status.node));
    if (statuses.length !== this.cluster.nodes.length - crashed.size) return false;
    if (!statuses.every((status) => status.mode === 'leader' || status.mode === 'follower')) return false;
    if (new Set(statuses.map((status) => status.zxid)).size === 1) return true;
    const leaders = statuses.filter((status) => status.mode === 'leader');
    const followers = statuses.filter((status) => status.mode === 'follower');
    return leaders.length === 1 && (leaders[0] as NodeStatus).counter === 0 && new Set(followers.map((status) => status.zxid)).size === 1;
  }

  /** Clock faults through libfaketime, verified from inside each JVM; only with the clockFaults option. */
  clockControl(): ZooKeeperClockControl {
    if (this.options.clockFaults !== true) {
      throw new FaultlineError('E_UNSUPPORTED', 'clock faults on ZooKeeper need its JVMs started with libfaketime', {
        where: 'clock nemesis',
        hint: 'start RealZooKeeper with clockFaults: true (and install faketime: bash scripts/setup.sh)',
      });
    }
    this.clock ??= new ZooKeeperClockControl(this.cluster.nodes);
    return this.clock;
  }

  /** ZooKeeper's and Java's versions as the running nodes report them. */
  async versions(): Promise<{ zookeeper: string; java: string }> {
    const [zookeeper, java] = [new Map<string, string>(), new Map<string, string>()];
    await Promise.all(
      this.cluster.nodes.map(async (node) => {
        try {
          const status = parseSrvr(await askFourLetterWord(node.address, CLIENT_PORT, 'srvr', PROBE_TIMEOUT_MS * 4));
          // Debian's build leaves an unexpanded Maven placeholder for the commit: "3.8.0-${mvngit.commit.id}".
          if (status.version !== null) zookeeper.set(node.name, (status.version.split(',')[0] as string).replace(/-\$\{[^}]*\}$/, ''));
          const environment = parseEnvi(await askFourLetterWord(node.address, CLIENT_PORT, 'envi', PROBE_TIMEOUT_MS * 4));
          java.set(node.name, `${environment.get('java.version') ?? 'unknown'} (${environment.get('java.vendor') ?? 'unknown vendor'})`);
        } catch {
          // A node that does not answer names no version; the others do.
        }
      }),
    );
    return { zookeeper: summarizeVersions(zookeeper), java: summarizeVersions(java) };
  }

  /** Each replica's registers, read from that node alone (no sync); a node that does not answer is left out. */
  async finalRegisters(keys: string[], timeoutMs = 5_000): Promise<Record<string, Record<string, unknown>>> {
    const states: Record<string, Record<string, unknown>> = {};
    await Promise.all(
      this.cluster.nodes.map(async (node) => {
        const session = this.openSession([node.name], timeoutMs);
        try {
          if (!(await session.awaitConnected(timeoutMs))) return;
          const values: Record<string, unknown> = {};
          for (const key of keys) values[key] = await readRegister(session, key, 'local');
          states[node.name] = values;
        } catch (error) {
          if (!(error instanceof OperationEnded)) throw error;
        } finally {
          session.close();
        }
      }),
    );
    return states;
  }

  /** A workload client for one worker; its sessions may use every server. */
  workloadClient(options: { acquireTimeoutMs?: number; servers?: string[] } = {}): WorkloadClient {
    const servers = options.servers ?? this.nodes;
    const client = zookeeperWorkloadClient({
      open: (lastZxidSeen) => this.openSession(servers, this.options.callTimeoutMs ?? 5_000, lastZxidSeen),
      readMode: this.options.readMode ?? 'sync',
      ...(options.acquireTimeoutMs === undefined ? {} : { acquireTimeoutMs: options.acquireTimeoutMs }),
      onClose: () => this.clients.delete(client),
    });
    this.clients.add(client);
    return client;
  }

  /** Closes every client and session this opened, so the harness process can exit. */
  close(): void {
    for (const client of this.clients) client.close();
    for (const session of this.sessions) session.close();
    this.clock?.close();
    this.clients.clear();
    this.sessions.clear();
  }

  private openSession(nodes: string[], callTimeoutMs: number, lastZxidSeen?: Buffer): ZooKeeperSession {
    const infos = this.cluster.nodes.filter((node) => nodes.includes(node.name));
    const session = new ZooKeeperSession({
      servers: infos.map((node) => `${node.address}:${CLIENT_PORT}`),
      sessionTimeoutMs: this.options.sessionTimeoutMs ?? 6_000,
      callTimeoutMs,
      nodeOfHost: (host) => this.cluster.nodes.find((node) => node.address === host)?.name,
      ...(lastZxidSeen === undefined ? {} : { lastZxidSeen }),
    });
    this.sessions.add(session);
    // Keep only live sessions: a long run opens a new one after every timeout.
    session.onStateChange((state) => {
      if (state === 'closed' || state === 'expired') this.sessions.delete(session);
    });
    return session;
  }
}
