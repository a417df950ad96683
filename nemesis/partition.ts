/**
 * Network partitions: each fault picks one target shape (isolate a node, the
 * leader, halves, majorities ring, bridge, one-way, custom groups), cuts the
 * links it names, and heals them all when it stops.
 */
import assert from 'node:assert/strict';
import type { Random } from '../common/random.js';
import type { FaultControl } from '../harness/runtimes/index.js';
import type { ClusterView, Fault, FaultDescription, Nemesis } from './index.js';
import { minimumNodes, pickOne, planPartition, type PartitionPlan, type PartitionTargetName } from './targets.js';

export interface PartitionOptions {
  /** Shapes to choose from, evenly, each time. */
  targets: readonly PartitionTargetName[];
  /** The groups of the "custom" target. */
  customGroups: readonly string[][];
}

/** Applies a plan: disjoint groups through partition(), a grudge link by link. */
export function applyPartition(control: FaultControl, plan: PartitionPlan): void {
  if ('groups' in plan) {
    control.partition(plan.groups.map((group) => [...group]));
    return;
  }
  for (const [receiver, senders] of Object.entries(plan.grudge)) {
    for (const sender of senders) control.cutLink(sender, receiver);
  }
}

class PartitionFault implements Fault {
  private plan: PartitionPlan | null = null;
  private stopped = false;

  constructor(private readonly options: PartitionOptions) {}

  start(control: FaultControl, random: Random, view: ClusterView): FaultDescription {
    assert.equal(this.plan, null, 'a partition fault starts once');
    // Shapes too big for the cluster (a ring of two) are left out rather than degenerate.
    const usable = this.options.targets.filter((target) => view.nodes.length >= minimumNodes(target));
    assert.ok(usable.length > 0, `no partition target fits ${view.nodes.length} nodes`);
    const plan = planPartition(pickOne(random, usable), random, view, this.options.customGroups);
    applyPartition(control, plan);
    this.plan = plan;
    return { kind: 'partition', value: plan };
  }

  stop(control: FaultControl): FaultDescription {
    assert.ok(this.plan !== null && !this.stopped, 'stop a partition fault once, after it started');
    this.stopped = true;
    control.heal();
    return { kind: 'partition', value: this.plan };
  }
}

export function partitionNemesis(options: PartitionOptions): Nemesis {
  assert.ok(options.targets.length > 0, 'a partition nemesis needs at least one target');
  return {
    name: 'partition',
    requires: ['partition'],
    resource: 'network',
    fault: () => new PartitionFault(options),
  };
}
