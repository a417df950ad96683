/**
 * Clock faults: bump (a jump), drift (a wrong rate) or strobe (a clock that
 * flips back and forth), on one node or all, each node with its own skew.
 * Stopping resets every skewed clock to true time.
 */
import assert from 'node:assert/strict';
import type { Random } from '../common/random.js';
import type { FaultControl } from '../harness/runtimes/index.js';
import type { ClusterView, Fault, FaultDescription, Nemesis } from './index.js';
import { pickOne, planClock, type ClockChangeName, type ClockLimits, type ClockPlan } from './targets.js';

export interface ClockOptions extends ClockLimits {
  /** Changes to choose from, evenly, each time. */
  changes: readonly ClockChangeName[];
}

class ClockFault implements Fault {
  private plan: ClockPlan | null = null;
  private stopped = false;

  /** `choose` picks the skews when the fault starts. */
  constructor(private readonly choose: (random: Random, view: ClusterView) => ClockPlan) {}

  start(control: FaultControl, random: Random, view: ClusterView): FaultDescription {
    assert.equal(this.plan, null, 'a clock fault starts once');
    const plan = this.choose(random, view);
    this.plan = plan;
    for (const [node, skew] of Object.entries(plan.skews)) control.skewClock(node, skew);
    return { kind: 'clock', value: plan };
  }

  stop(control: FaultControl): FaultDescription {
    assert.ok(this.plan !== null && !this.stopped, 'stop a clock fault once, after it started');
    this.stopped = true;
    for (const node of Object.keys(this.plan.skews)) control.resetClock(node);
    return { kind: 'clock', value: this.plan };
  }
}

export function clockNemesis(options: ClockOptions): Nemesis {
  assert.ok(options.changes.length > 0, 'a clock nemesis needs at least one change');
  return { name: 'clock', requires: ['clock'], resource: 'clock', fault: () => new ClockFault((random, view) => planClock(pickOne(random, options.changes), random, view, options)) };
}

/** The most a fixed drift may speed a clock up or slow it down: a rate in [1 / MAX_FIXED_RATE, MAX_FIXED_RATE]. */
export const MAX_FIXED_RATE = 4;

/** A drift already chosen: these nodes' clocks run at `rate` until it stops (a compound fault's, which knows its nodes). */
export function fixedDriftFault(nodes: readonly string[], rate: number): Fault {
  assert.ok(nodes.length > 0, 'a fixed drift needs a node');
  assert.ok(Number.isFinite(rate) && rate >= 1 / MAX_FIXED_RATE && rate <= MAX_FIXED_RATE, `a fixed drift's rate is in [1/${MAX_FIXED_RATE}, ${MAX_FIXED_RATE}], got ${rate}`);
  const plan: ClockPlan = { change: 'drift', skews: Object.fromEntries(nodes.map((node) => [node, { rate }])) };
  return new ClockFault(() => plan);
}
