/**
 * The shapes of the real runtimes (docker and local network namespaces), as
 * the harness's real run uses them. index.ts re-exports them.
 */
import type { ClockControl, NodeInfo, NodeProcessSpec, VerifiedFaultControl } from '../index.js';

export type { ClockControl, NodeProcessSpec };
export type RealNodeInfo = NodeInfo;
/** FaultControl's methods return at once (the nemesis calls them synchronously): the work is queued in order, each fault is verified, and the first failure is kept. */
export type RealFaultControl = VerifiedFaultControl;

export interface RealCluster {
  readonly runtime: 'docker' | 'local' | 'ssh';
  readonly nodes: readonly RealNodeInfo[];
  /** Starts the node's process; stdout and stderr go to <dataDirectory>/process.log. restart() reuses the last spec. */
  start(node: string, spec: NodeProcessSpec): Promise<void>;
  faultControl(clock?: ClockControl): RealFaultControl;
  isRunning(node: string): Promise<boolean>;
  /** Files in a node's data directory on the node's machine; without these, the data directories are this machine's. */
  writeFile?(node: string, file: string, contents: string): Promise<void>;
  readFile?(node: string, file: string): Promise<string | undefined>;
  /** Every file in each node's data directory whose name ends in .log. */
  collectLogs(write: (node: string, fileName: string, text: string) => void): Promise<void>;
  /** Idempotent; removes everything in reverse order of setup; runs every step, then throws one error naming those that failed. */
  teardown(): Promise<void>;
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
