/**
 * The RunConfig: one plain, serializable, fully resolved object that every
 * stage of a run reads and config.json stores. One shape for the harness
 * (which resolves and validates it, harness/run/config.ts) and the reports
 * (which read it back, loosely, from runs made anywhere).
 */
import type { WorkloadName } from '../workloads/names.js';

export const SYSTEMS = ['coordinator-zab', 'coordinator-raft'] as const;
export const RUNTIMES = ['sim', 'docker', 'local'] as const;

export type SystemName = (typeof SYSTEMS)[number];
export type RuntimeChoice = (typeof RUNTIMES)[number];
/** The one list of workload names is workloads/names.ts; a type-only import may cross folders. */
export type WorkloadChoice = WorkloadName;
export const READ_MODES = ['linearizable', 'sequential', 'lease'] as const;
export type ReadModeChoice = (typeof READ_MODES)[number];

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
  /** How the coordinator serves register reads: linearizable, sequential (stale allowed) or lease. */
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
}

export interface FaultTiming {
  faultMs: { min: number; max: number };
  quietMs: { min: number; max: number };
}

/**
 * The simulated coordinator elects in a few hundred milliseconds, so faults
 * of one to five seconds with short quiet gaps exercise many elections in a
 * 30-second run. Real elections take as long, but a fault must last a little
 * longer for its effect (a container paused, links cut) to be seen.
 */
export const FAULT_TIMING_DEFAULTS: Record<RuntimeChoice, FaultTiming> = {
  sim: { faultMs: { min: 1000, max: 5000 }, quietMs: { min: 500, max: 3000 } },
  local: { faultMs: { min: 2000, max: 6000 }, quietMs: { min: 1000, max: 3000 } },
  docker: { faultMs: { min: 2000, max: 6000 }, quietMs: { min: 1000, max: 3000 } },
};
