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

export interface FaultTiming {
  faultMs: { min: number; max: number };
  quietMs: { min: number; max: number };
}
