/**
 * The Runtime seam: where a cluster's nodes run (sim, later local, docker,
 * ssh). A runtime hands the harness a Scheduler (the run's clock: virtual on
 * the simulator, real elsewhere) and a FaultControl the nemesis drives.
 * Abilities a runtime lacks are absent from `abilities`; asking for them is a
 * clear error before the run starts.
 */
import type { Endpoint, World } from '../../clusters/coordinator/world.js';
import type { NodeCrash } from '../../checkers/crash/index.js';
import type { FaultTiming, RunConfig } from '../../common/run-config.js';

export type { FaultTiming };

export type RuntimeName = 'sim' | 'local' | 'docker' | 'ssh';

export type FaultAbility = 'partition' | 'kill' | 'pause' | 'clock';

/** The run's clock and timers. Workers, nemesis and samplers schedule through it, never setTimeout. */
export interface Scheduler {
  /** Milliseconds since the run started (virtual time on the simulator). */
  nowMs(): number;
  /** Runs fn after delayMs; labels name the actor in traces ("worker 3", "nemesis"). */
  after(delayMs: number, label: string, fn: () => void): void;
}

export interface ClockSkew {
  /** Jump the node's wall clock by this much (negative: backwards). */
  bumpMs?: number;
  /** Run the node's clock at this rate (1 = true time). */
  rate?: number;
  /** Oscillate the node's clock by ±amplitudeMs every periodMs. */
  strobe?: { amplitudeMs: number; periodMs: number };
}

/** What the nemesis can do to the cluster. Every method applies at once. */
export interface FaultControl {
  readonly abilities: ReadonlySet<FaultAbility>;
  /** Node names, "n1".."nN". */
  readonly nodes: readonly string[];
  /** Blocks traffic between groups (nodes in no group keep talking to everyone). */
  partition(groups: string[][]): void;
  /** Blocks traffic from one node to another, one way. */
  cutLink(from: string, to: string): void;
  /** Removes every partition and cut link. */
  heal(): void;
  kill(node: string): void;
  restart(node: string): void;
  pause(node: string): void;
  resume(node: string): void;
  skewClock(node: string, skew: ClockSkew): void;
  resetClock(node: string): void;
}

/** A node as the runtime placed it. On the simulator the address is the node's name. */
export interface NodeInfo {
  /** "n1".."nN" */
  name: string;
  /** Where the harness and every other node reach it: an IPv4 address, or the node's name on the simulator. */
  address: string;
  /** An absolute host path for the node's files (mounted at the same path in a container); '' on the simulator. */
  dataDirectory: string;
}

/** A node process on a real runtime: run as `command ...args`, with env added to the runtime's own. */
export interface NodeProcessSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/** Clock faults, which a system provides on real runtimes (it knows how its nodes read time) and verifies. */
export interface ClockControl {
  skew(node: string, skew: ClockSkew): Promise<void>;
  reset(node: string): Promise<void>;
}

/** A FaultControl whose faults are applied in order and verified: methods return at once. */
export interface VerifiedFaultControl extends FaultControl {
  /** Resolves when every fault asked for so far has been applied (or failed). */
  settled(): Promise<void>;
  /** The first fault that did not take effect, as an E_INFRASTRUCTURE error. */
  failure(): Error | undefined;
}

/** A node that died by itself (not by the nemesis): the finding a crash checker judges. */
export type NodeCrashRecord = NodeCrash & { logTail: string[] };

/** Why a slice of the run ended it early. */
export interface RunStop {
  incomplete?: string;
  /** A safety invariant of the system the simulator saw broken after a step. */
  invariantViolation?: string;
  /** The cluster cannot run on (the simulation stopped at the step that broke): no heal, no final reads. */
  frozen?: boolean;
}

/** How a system starts nodes on a runtime: real processes, or simulated hosts in one Simulation. */
export type NodeHosts =
  | {
      kind: 'processes';
      /** Starts the node's process; stdout and stderr go to <dataDirectory>/process.log. restart() reuses the last spec. */
      start(node: string, spec: NodeProcessSpec): Promise<void>;
      isRunning(node: string): Promise<boolean>;
      /**
       * Writes a file (a node's config, a clock file) at an absolute path inside the node's data
       * directory, on the machine the node runs on, making its directories; where the node's files
       * are not this machine's (ssh), writing them here with node:fs would miss them.
       */
      writeFile?(node: string, file: string, contents: string): Promise<void>;
      /** Reads such a file from the node's machine (its last MiB); undefined when it is missing. */
      readFile?(node: string, file: string): Promise<string | undefined>;
    }
  | {
      kind: 'simulated';
      simulation: SimulatedHosts;
    };

/** An object a simulated host runs: it receives messages; stop() is called on a clean stop. */
export type SimulatedEndpoint = Endpoint & { stop?(): void };

/**
 * What a system needs of the simulator to place its nodes and clients in
 * it: hosts on virtual time whose World (clock, storage, transport, random)
 * comes from the run's seed, and checks after every step. Healing is the
 * runtime's (its Cluster's healRest); the simulator's own class
 * (sim/simulation.ts) offers more.
 */
export interface SimulatedHosts {
  addNode(address: string, factory: (world: World) => SimulatedEndpoint): World;
  addClient(address: string, factory: (world: World) => SimulatedEndpoint): World;
  /** A system's safety checks after every step; a check throws an InvariantViolation (common/) to stop the run. */
  addStepChecks(check: (endpoint: SimulatedEndpoint, address: string) => void): () => void;
  /** The object running on a host now; null while it is crashed. */
  endpoint(address: string): SimulatedEndpoint | null;
  state(address: string): 'running' | 'paused' | 'crashed';
  addresses(role?: 'node' | 'client'): string[];
  /** Runs until predicate holds or timeoutMs of virtual time pass; says which. */
  runUntil(predicate: () => boolean, timeoutMs: number): boolean;
}

export type ProcessHosts = Extract<NodeHosts, { kind: 'processes' }>;

/** What a runtime's boot() gives: the nodes, the run's clock, faults, logs and teardown. */
export interface Cluster {
  readonly runtime: RuntimeName;
  readonly nodes: readonly NodeInfo[];
  /** The run's clock: virtual on the simulator, the monotonic wall clock elsewhere. */
  readonly scheduler: Scheduler;
  readonly hosts: NodeHosts;
  /** Every fault this runtime can apply at all; a system may narrow clock faults. */
  readonly faults: ReadonlySet<FaultAbility>;
  /** Words after a time in messages: ' of simulated time' on the simulator. */
  readonly timeWords: string;
  /** How often the pipeline samples roles: every step is cheap on sim, a network round elsewhere. */
  readonly roleSampleIntervalMs: number;
  /** Time allowed after the phases for the last operations to end. */
  readonly drainSlackMs: number;
  /**
   * The fault control the nemesis drives; call once, after the system is set
   * up. clock: the system's clock faults (real runtimes); timeNs: the run's
   * clock, which stamps a node's crash.
   */
  faultControl(clock: ClockControl | undefined, timeNs: () => number): VerifiedFaultControl;
  /** Lets about sliceMs of the run pass; says why the run must stop, if it must. */
  advance(sliceMs: number): Promise<RunStop | undefined>;
  /** Time replicas get to agree after heal. */
  readonly convergenceTimeoutMs: number;
  /** Waits (in the run's time) until condition holds or timeoutMs pass; a crash or broken invariant on the way stops the wait. */
  waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<{ met: boolean; stop?: RunStop }>;
  /** Heals what the runtime holds beyond the fault schedule's own faults (the simulator's link options, stray pauses). */
  healRest?(): void;
  /** Nodes that died by themselves so far. */
  crashes(): readonly NodeCrashRecord[];
  /** Each node's log files, by file name, as lines. */
  collectLogs(write: (node: string, fileName: string, lines: string[]) => void): Promise<void>;
  /** What replay compares (the simulator's trace hash) and the figures of the run, for trace.json. */
  trace(): Record<string, unknown>;
  /** Idempotent; removes everything in reverse order of setup. */
  teardown(): Promise<void>;
}

export interface BootRequest {
  runId: string;
  /** "n1".."nN" */
  nodes: string[];
  seed: number;
  /** The run's whole length in its own time, for the simulator's bounds. */
  runSeconds: number;
  /** Docker only: a user's own image instead of faultline-node:local. */
  image?: string;
  /** ssh only: the hosts, one per node, and how they are trusted and reached. */
  ssh?: SshTarget;
}

/** Where the ssh runtime's nodes run: one host per node, in node order. */
export interface SshTarget {
  /** "user@host[:port]" each. */
  hosts: string[];
  /** A private key file; without it, the SSH agent ($SSH_AUTH_SOCK). */
  keyFile?: string;
  knownHostsFile: string;
  /** Trust (and record in knownHostsFile) a host whose key is unknown; a changed key is refused always. */
  acceptNewHostKeys: boolean;
}

/** A place where nodes run. One registry line each (registry.ts). */
export interface Runtime {
  readonly name: RuntimeName;
  /** One line for `faultline runtimes` and refusals. */
  readonly summary: string;
  readonly faults: ReadonlySet<FaultAbility>;
  /** How long faults and the quiet gaps between them last by default here; recorded in each run's config. */
  readonly faultTiming: FaultTiming;
  boot(request: BootRequest): Promise<Cluster>;
  /** What this runtime's boot needs from the run's config beyond the common request (ssh: its hosts). */
  bootOptions?(config: RunConfig): Partial<BootRequest>;
  /** Removes (or, dry, lists) what a killed faultline left behind on this runtime. */
  clean?(dryRun: boolean): Promise<string[]>;
}

export { runtimeNamed, RUNTIME_NAMES } from './registry.js';
