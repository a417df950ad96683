/**
 * An exception thrown by a node's own code (a message handler, a timer, a
 * boot from its storage) inside the simulator. It is the system under test
 * crashing, not the harness: the kernel drops the node as if its process had
 * died and stops the run with this error, which the run records as a finding.
 */
import type { Address } from '../../../clusters/coordinator/world.js';

export class NodeCrashError extends Error {
  /** The first line of what the node threw: "AssertionError: ...". */
  readonly reason: string;
  /** The stack of what the node threw, when it was an Error. */
  readonly nodeStack: string | undefined;

  constructor(
    readonly node: Address,
    /** Virtual true time of the crash. */
    readonly virtualMs: number,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message.split('\n')[0]}` : `threw ${String(cause)}`;
    super(`${node} crashed at ${(virtualMs / 1000).toFixed(3)} s of simulated time: ${reason}`, { cause });
    this.name = 'NodeCrashError';
    this.reason = reason;
    this.nodeStack = cause instanceof Error ? cause.stack : undefined;
  }
}
