/**
 * The RunConfig: one plain, serializable, fully resolved object that every
 * stage of a run reads and config.json stores. One shape for the harness
 * (which resolves and validates it, harness/run/config.ts) and the reports
 * (which read it back, loosely, from runs made anywhere).
 */
import type { WorkloadName } from '../workloads/names.js';

/** A system's name, as its registry (clusters/registry.ts) lists it: "coordinator-raft", "zookeeper"... */
export type SystemName = string;
/** Where nodes run, as the runtimes' registry (harness/runtimes/registry.ts) lists them. */
export type RuntimeChoice = 'sim' | 'docker' | 'local' | 'ssh';
/** The one list of workload names is workloads/names.ts; a type-only import may cross folders. */
export type WorkloadChoice = WorkloadName;
/** One of the system's read modes (its description lists them and what each promises). */
export type ReadModeChoice = string;

/** One phase of a swarm run: how long it lasts and its own faults (nemesis spec, faults at once, nemesis options). */
export interface SwarmPhase {
  durationMs: number;
  nemesis: string;
  maxActiveFaults: number;
  nemesisOptions: Record<string, Record<string, unknown>>;
  /** When set, the phase's mix makes way for one compound fault (nemesis/compound.ts), killing or pausing the leader as compoundShape says. */
  compound?: 'kill' | 'pause';
  /**
   * With a compound: left out (stale-follower), in the phase's second half a follower is cut off, the leader lost while
   * it is out, and once back lost again as it catches up; leader-cut, in its first half the leader is cut off for a long
   * fault and the leader elected meanwhile lost.
   */
  compoundShape?: 'stale-follower' | 'leader-cut';
  /**
   * With a compound, when the run allows clock faults: the rate (above 1, e.g. 3) the stale side's clocks run at from
   * the leader's loss until, after the cut heals, a new leader leads (or the lost one is back), so its election timers
   * fire first.
   */
  staleClockRate?: number;
  /** With a stale follower's compound (not a leader cut): how the node back from the leader's loss is lost again (left out: as the leader was). */
  compoundRelapse?: 'kill' | 'pause';
}

export interface RunConfig {
  /** faultline's version, for the record. */
  version: string;
  system: SystemName;
  runtime: RuntimeChoice;
  workload: WorkloadChoice;
  /** none, partition, kill, pause, clock, all, or a comma list. */
  nemesis: string;
  nodes: number;
  /** Worker processes. */
  concurrency: number;
  /** Operations per second, all workers together. */
  rate: number;
  /** Seconds of workload with faults, before heal and recovery. */
  timeLimitSeconds: number;
  /** Seconds without faults before the first fault. */
  warmupSeconds: number;
  /** Seconds after heal before the final reads. */
  recoverySeconds: number;
  /** Independent keys the workload spreads over. */
  keys: number;
  seed: number;
  bugs: string[];
  /** How the system serves register reads: one of its read modes; the default is the system's first. */
  readMode: ReadModeChoice;
  /** Faults on at once (each on its own resource: network, process, clock). */
  maxActiveFaults: number;
  /**
   * The bundled coordinator on the simulator: the session timeout its clients
   * ask for (default 5000 ms), as a ZooKeeper session timeout or an etcd lease
   * TTL; swarm runs of the lock workloads draw it (swarm-sessions.ts).
   */
  sessionTimeoutMs?: number;
  /** Directory that holds run directories. */
  out: string;
  /** Docker runtime: the node image; faultline builds faultline-node:local itself when it is missing. */
  image: string;
  /**
   * How long each fault stays on and how long the quiet gaps between faults
   * last. The default depends on the runtime and is recorded here, so the
   * same config gives the same fault schedule on every runtime.
   */
  faultTiming: FaultTiming;
  /**
   * Faults given as data, run exactly instead of a generated schedule (see
   * nemesis/scripted.ts); `nemesis` then names the kinds it uses.
   */
  schedule?: ScheduledFaultData[];
  /** The faults the run applied, as it applied them (nodes resolved): written into config.json after the run, ready to copy into `schedule`. */
  faultSchedule?: ScheduledFaultData[];
  /**
   * Swarm testing: true draws this seed's own fault kinds, their settings and
   * the load (harness/run/swarm.ts); the drawn values are written into the
   * config, which then says 'drawn' so it replays as it is.
   */
  swarm?: boolean | 'drawn';
  /**
   * Swarm over time: the faults phase cut into phases, each with its own
   * draw (harness/run/swarm.ts); the run's nemesis names every kind they use.
   * Without it, one schedule from nemesis and nemesisOptions runs throughout.
   */
  swarmPhases?: SwarmPhase[];
  /** Per-nemesis settings: partition shapes, kill and pause targets, clock changes and their bounds (nemesis/spec.ts NemesisOptions). */
  nemesisOptions?: Record<string, Record<string, unknown>>;
  /** For a run made by `faultline shrink`: the failing run it was shrunk from, its size, and the changes kept. */
  shrunkFrom?: { run: string; operations: number; faults: number; timeLimitSeconds: number; runs: number; steps: string[] };
  /** A user's own install of the system (a ZooKeeper release directory, an etcd binary) instead of the host's packages. */
  install?: string;
  /** ssh runtime: the hosts, "user@host[:port]", one per node in node order. */
  sshHosts?: string[];
  /** ssh runtime: the private key file; without it, the SSH agent. */
  sshKey?: string;
  /** ssh runtime: the known_hosts file host keys are checked against (default ~/.ssh/known_hosts). */
  sshKnownHosts?: string;
  /** ssh runtime: trust (and record in sshKnownHosts) a host key never seen; a changed key is refused always. */
  sshAcceptNewHostKeys?: boolean;
  /** The versions that ran, as read from the running nodes: written into config.json once the system is up. */
  versions?: Record<string, string>;
}

/** One fault of a schedule given as data: nemesis/scripted.ts ScheduledFault, as plain data. */
export interface ScheduledFaultData {
  /** Milliseconds from the start of the workload (warm-up included). */
  atMs: number;
  kind: 'partition' | 'kill' | 'pause' | 'clock';
  durationMs: number;
  /** The fault's plan as the history records it ({ target, groups }, { target, nodes }, { change, skews }); one with only a target rule is resolved when it starts. */
  value: Record<string, unknown>;
}

export interface FaultTiming {
  faultMs: { min: number; max: number };
  quietMs: { min: number; max: number };
}
