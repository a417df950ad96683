/**
 * The shapes of the real runtimes (docker and local network namespaces), as
 * the harness's real run uses them. index.ts re-exports them.
 */
import type { ClockSkew, FaultControl } from '../index.js';

/** A node process: run as `command ...args`, with env added to the runtime's own. */
export interface NodeProcessSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

export interface RealNodeInfo {
  /** "n1".."nN" */
  name: string;
  /** An IPv4 address the host process and every other node reach. */
  address: string;
  /** An absolute host path, mounted at the same path inside a container, so one command line works in both runtimes. */
  dataDirectory: string;
}

export interface RealCluster {
  readonly runtime: 'docker' | 'local';
  readonly nodes: readonly RealNodeInfo[];
  /** Starts the node's process; stdout and stderr go to <dataDirectory>/process.log. restart() reuses the last spec. */
  start(node: string, spec: NodeProcessSpec): Promise<void>;
  faultControl(clock?: ClockControl): RealFaultControl;
  isRunning(node: string): Promise<boolean>;
  /** Every file in each node's data directory whose name ends in .log. */
  collectLogs(write: (node: string, fileName: string, text: string) => void): Promise<void>;
  /** Idempotent; removes everything in reverse order of setup; runs every step, then throws one error naming those that failed. */
  teardown(): Promise<void>;
}

/** Clock faults, provided by the system (the coordinator's admin endpoint); it verifies the node sees the skew. */
export interface ClockControl {
  skew(node: string, skew: ClockSkew): Promise<void>;
  reset(node: string): Promise<void>;
}

/** FaultControl's methods return at once (the nemesis calls them synchronously): the work is queued in order, each fault is verified, and the first failure is kept. */
export interface RealFaultControl extends FaultControl {
  /** Resolves when every queued fault has been applied (or failed). */
  settled(): Promise<void>;
  /** The first fault that did not take effect, as an E_INFRASTRUCTURE error. */
  failure(): Error | undefined;
}

export interface BootOptions {
  runId: string;
  nodes: string[];
  /** Host directory for the nodes' data directories (<workDirectory>/<node>). */
  workDirectory: string;
  /** Docker only: a user's own image instead of faultline-node:local. */
  image?: string;
  /** Extra host paths mounted read-only at the same path (e.g. the project directory). */
  mounts?: string[];
}
