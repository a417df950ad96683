/**
 * Pause and resume, like SIGSTOP and SIGCONT: the chosen nodes freeze with
 * their state intact, then wake to a backlog of timers and messages, which is
 * how a long GC pause looks to the rest of the cluster.
 */
import assert from 'node:assert/strict';
import type { Nemesis } from './index.js';
import { NodeFault, type NodeAction, type NodeFaultOptions } from './process-fault.js';

export const PAUSE: NodeAction = {
  kind: 'pause',
  apply: (control, node) => control.pause(node),
  undo: (control, node) => control.resume(node),
};

export function pauseNemesis(options: NodeFaultOptions): Nemesis {
  assert.ok(options.targets.length > 0, 'a pause nemesis needs at least one target');
  return { name: 'pause', requires: ['pause'], resource: 'process', fault: () => new NodeFault(PAUSE, options) };
}
