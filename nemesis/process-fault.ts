/**
 * What kill and pause share: a fault that picks some nodes (one, the leader,
 * a majority), does something to each, and undoes it to each when it stops.
 */
import assert from 'node:assert/strict';
import type { Random } from '../common/random.js';
import type { FaultControl } from '../harness/runtimes/index.js';
import type { ClusterView, Fault, FaultDescription, FaultKind } from './index.js';
import { pickNodes, pickOne, type NodeSelection, type NodeTargetName } from './targets.js';

export interface NodeFaultOptions {
  /** Which nodes to hit, chosen evenly each time. */
  targets: readonly NodeTargetName[];
}

export interface NodeAction {
  kind: FaultKind;
  apply(control: FaultControl, node: string): void;
  undo(control: FaultControl, node: string): void;
}

export class NodeFault implements Fault {
  private selection: NodeSelection | null = null;
  private stopped = false;

  constructor(
    private readonly action: NodeAction,
    private readonly options: NodeFaultOptions,
    /** The nodes to hit, when they are chosen already (again()). */
    private readonly chosen: NodeSelection | null = null,
  ) {}

  start(control: FaultControl, random: Random, view: ClusterView): FaultDescription {
    assert.equal(this.selection, null, `a ${this.action.kind} fault starts once`);
    const selection = this.chosen ?? pickNodes(pickOne(random, this.options.targets), random, view);
    for (const node of selection.nodes) this.action.apply(control, node);
    this.selection = selection;
    return { kind: this.action.kind, value: selection };
  }

  stop(control: FaultControl): FaultDescription {
    assert.ok(this.selection !== null && !this.stopped, `stop a ${this.action.kind} fault once, after it started`);
    this.stopped = true;
    for (const node of this.selection.nodes) this.action.undo(control, node);
    return { kind: this.action.kind, value: this.selection };
  }

  /** The same fault (or, given an action, another) on the one node this one hit, once it started: recorded as target "one", since that node need not lead any more. */
  again(action: NodeAction = this.action): NodeFault {
    assert.ok(this.selection !== null && this.selection.nodes.length === 1, `again() repeats a ${this.action.kind} fault that hit one node`);
    return new NodeFault(action, this.options, { target: 'one', nodes: [...this.selection.nodes] });
  }
}
