/**
 * What the real systems (clusters/zookeeper, clusters/etcd) share: the last
 * lines of each node's process log, for an error that says why a cluster
 * did not become healthy, how differing versions are named, and how a
 * recipe's step ends its operation.
 */
import { readFileTail } from '../../common/file-tail.js';
import path from 'node:path';
import type { NodeProcessSpec, RealNodeInfo } from '../../harness/runtimes/real/index.js';
import type { OperationOutcome } from '../../workloads/index.js';

/** The runtime writes a node's stdout and stderr here. */
const PROCESS_LOG = 'process.log';

export { httpRequest, httpText, type HttpAnswer } from './http.js';

/** What a real system needs of a runtime: its nodes, and a way to start (and, for the nemesis, restart) each node's process. */
export interface ProcessCluster {
  readonly runtime: string;
  readonly nodes: readonly RealNodeInfo[];
  start(node: string, spec: NodeProcessSpec): Promise<void>;
  /** Files on the node's machine (ssh hosts do not share this one's); absent: this machine's file system. */
  writeFile?(node: string, file: string, contents: string): Promise<void>;
  readFile?(node: string, file: string): Promise<string | undefined>;
}
/** Enough of a log's end for its last lines, however large the log grew. */
const TAIL_BYTES = 8 * 1024;

/** The last `count` lines of a node's process log; empty when there is none. */
export function lastLogLines(node: RealNodeInfo, count: number): string[] {
  const text = readFileTail(path.join(node.dataDirectory, PROCESS_LOG), TAIL_BYTES) ?? '';
  return text.split('\n').filter((line) => line.trim().length > 0).slice(-count);
}

/** Every node's last log lines, indented, for an error message. */
export function logTails(nodes: readonly RealNodeInfo[], count: number): string {
  return nodes
    .map((node) => {
      const lines = lastLogLines(node, count);
      return `${node.name} (${path.join(node.dataDirectory, PROCESS_LOG)}):\n${lines.length === 0 ? '    (empty)' : lines.map((line) => `    ${line.slice(0, 300)}`).join('\n')}`;
    })
    .join('\n');
}

/** One version when every node ran the same, else each node's ("n1: 3.8.0, n2: 3.9.1"). */
export function summarizeVersions(perNode: ReadonlyMap<string, string>): string {
  const distinct = new Set(perNode.values());
  if (distinct.size <= 1) return [...distinct][0] ?? 'unknown';
  return [...perNode].map(([node, version]) => `${node}: ${version}`).join(', ');
}

export type Unsuccessful = Exclude<OperationOutcome, { type: 'ok' }>;

/** Thrown out of a recipe's steps to end the operation with this outcome. */
export class OperationEnded extends Error {
  constructor(readonly outcome: Unsuccessful) {
    super(outcome.error);
  }
}
export { RoleSampler, type NodeRole } from './role-sampler.js';
export { NodeSkew } from './skew.js';
