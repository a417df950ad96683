/**
 * The System seam: a system under test (the bundled coordinator, ZooKeeper,
 * etcd), described as data (where it runs, what it speaks, which read modes
 * it has and what each promises) and set up on a Cluster a runtime booted.
 * The run pipeline knows systems only through this file and the registry:
 * adding a system is one folder under clusters/ and one registry line.
 */
import type { ReadPromise, RoleSample } from '../checkers/checker.js';
import type { FinalEphemerals } from '../checkers/ephemerals/index.js';
import type { ClockControl, Cluster, RuntimeName } from '../harness/runtimes/index.js';
import type { WorkloadClient } from '../workloads/index.js';
import type { WorkloadName } from '../workloads/names.js';

/** What a read mode promises about register reads: the checkers judge a run by it (checkers/checker.ts says what each means). */
export type { ReadPromise };

export interface ReadModeDescription {
  name: string;
  promises: ReadPromise;
  /** One line for --help and refusals. */
  summary: string;
}

/** What a user chose that a system reads while it sets up. */
export interface SystemSettings {
  seed: number;
  bugs: readonly string[];
  readMode: string;
  /** The Node.js that runs a node written in JavaScript: the harness's own. */
  nodeExecutable: string;
  /** faultline's own version: the bundled coordinator's. */
  harnessVersion: string;
  /** The run will skew clocks: a system that must prepare its nodes for it (libfaketime in ZooKeeper's JVM) does so at start. */
  clockFaults: boolean;
  /** The session timeout (lease TTL) clients ask for, where the system takes it; its own default otherwise. */
  sessionTimeoutMs?: number;
  /** A user's own install of the system (a release directory, a binary), instead of the host's packages. */
  install?: string;
}

export interface HealthReport {
  leader: string;
  epoch: number;
}

/** A system running on a cluster: what the pipeline asks of it during and after the run. */
export interface Deployment {
  /** How it became healthy (real runtimes); absent where the run starts at boot (the simulator). */
  readonly health?: HealthReport;
  /** The leader as last seen: what "isolate the leader" targets. */
  leader(): string | null;
  /** Each node's role and epoch or term now, stamped with timeNs(); a node that does not answer is "unreachable". */
  sampleRoles(timeNs: () => number): RoleSample[] | Promise<RoleSample[]>;
  /** Clock faults on real runtimes, verified against the node's own reading; absent when the system cannot skew clocks there. */
  clockControl?(): ClockControl;
  /** Call once: a factory of clients, one per worker process; clientsSeed seeds any choice a client makes. */
  openClients(clientsSeed: number): () => WorkloadClient;
  /** After heal: whether every replica but the crashed ones holds the same state. */
  converged(crashed: ReadonlySet<string>): boolean | Promise<boolean>;
  /** Each replica's register values for keys, for the convergence checker; a node that does not answer is left out. */
  finalRegisters(keys: string[]): Record<string, Record<string, unknown>> | Promise<Record<string, Record<string, unknown>>>;
  /** After heal: each replica's ephemeral nodes and live sessions, for the ephemerals check; absent where they cannot be read. */
  finalEphemerals?(): FinalEphemerals;
  /** The versions that ran, as read from the nodes ("coordinator": "0.1.0", "java": "17.0.9"). */
  versions(): Record<string, string> | Promise<Record<string, string>>;
  /** Closes clients and timers; the runtime's teardown removes the nodes. */
  close(): Promise<void>;
}

export interface System {
  readonly name: string;
  /** One line for `faultline systems`, --help and refusals. */
  readonly summary: string;
  readonly runtimes: readonly RuntimeName[];
  readonly workloads: readonly WorkloadName[];
  /** The first is the default. */
  readonly readModes: readonly ReadModeDescription[];
  /** Runtimes on which the system's clocks can be skewed (and the skew verified). */
  readonly clockFaultsOn: readonly RuntimeName[];
  /** Why its clocks cannot be skewed where they cannot, for the refusal. */
  readonly clockFaultsNote?: string;
  /** Deliberate bugs it can switch on (--bug), to show the checkers catch them. */
  readonly bugs: readonly string[];
  /** Starts the system on the cluster and waits until it is healthy (an E_INFRASTRUCTURE error past healthTimeoutMs). */
  setup(cluster: Cluster, settings: SystemSettings): Promise<Deployment>;
}

export { SYSTEM_NAMES, systemNamed } from './registry.js';
export { fitProblems, type RunChoices } from './fit.js';
