/**
 * Kill and restart: the chosen nodes die at once (on the simulator a power
 * loss, so unsynced writes are lost) and come back when the fault stops.
 */
import assert from 'node:assert/strict';
import type { Nemesis } from './index.js';
import { NodeFault, type NodeAction, type NodeFaultOptions } from './process-fault.js';

export const KILL: NodeAction = {
  kind: 'kill',
  apply: (control, node) => control.kill(node),
  undo: (control, node) => control.restart(node),
};

export function killNemesis(options: NodeFaultOptions): Nemesis {
  assert.ok(options.targets.length > 0, 'a kill nemesis needs at least one target');
  return { name: 'kill', requires: ['kill'], resource: 'process', fault: () => new NodeFault(KILL, options) };
}
