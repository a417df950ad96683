/**
 * A fault schedule given as data: each entry starts one fault at a fixed
 * offset from the start of the workload and stops it after its duration.
 * A user writes one (Jepsen's custom partitions: "isolate n1 at 5 s for
 * 3 s"), a run records the one it ran, and a shrunk run replays a subset.
 * Each entry's value is what the history records for the fault (the plan):
 * partition groups or a grudge, the nodes of a kill or pause, each node's
 * clock skew. A value that names only a target rule ("leader", "halves") is
 * resolved when the fault starts, from the fault's own random stream and the
 * cluster as it is then.
 */
import assert from 'node:assert/strict';
import type { SeededRandom } from '../common/random.js';
import type { FaultControl } from '../harness/runtimes/index.js';
import { applyPartition } from './partition.js';
import { FAULT_KINDS } from './spec.js';
import type { FaultKind, FaultResource } from './index.js';
import type { FaultSchedule, ScheduleContext } from './schedule.js';
import { planClock, pickNodes, planPartition, type ClockPlan, type NodeSelection, type PartitionPlan } from './targets.js';
import { DEFAULT_CLOCK_LIMITS } from './targets.js';

/** One fault of a schedule given as data. */
export interface ScheduledFault {
  /** Milliseconds from the start of the workload (warm-up included) to the fault's start. */
  atMs: number;
  kind: FaultKind;
  durationMs: number;
  /** The plan as the history records it; a plan without its nodes is resolved at the start. */
  value: Partial<PartitionPlan> | Partial<NodeSelection> | Partial<ClockPlan>;
}

/** The --nemesis spec a schedule amounts to: the kinds it uses, in the usual order, or "none". */
export function nemesisOfSchedule(schedule: readonly Pick<ScheduledFault, 'kind'>[]): string {
  const kinds = FAULT_KINDS.filter((kind) => schedule.some((fault) => fault.kind === kind));
  return kinds.length === 0 ? 'none' : kinds.join(',');
}

export const RESOURCE_OF: Record<FaultKind, FaultResource> = { partition: 'network', kill: 'process', pause: 'process', clock: 'clock' };

interface Running {
  entry: ScheduledFault;
  plan: PartitionPlan | NodeSelection | ClockPlan;
  /** On the scheduler's clock. */
  endsAtMs: number;
}

export class ScriptedSchedule implements FaultSchedule {
  private readonly active: Running[] = [];
  private context: ScheduleContext | null = null;
  private halted = false;

  constructor(
    readonly faults: readonly ScheduledFault[],
    private readonly random: SeededRandom,
    /** When the workload started on the run's clock: entries count from there, the schedule starts after warm-up. */
    private readonly workloadStartMs = 0,
  ) {}

  start(context: ScheduleContext): void {
    assert.equal(this.context, null, 'a schedule starts once');
    this.context = context;
    const nowMs = context.scheduler.nowMs();
    this.faults.forEach((entry, index) => {
      const delayMs = Math.max(0, this.workloadStartMs + entry.atMs - nowMs);
      context.scheduler.after(delayMs, 'nemesis', () => this.begin(entry, index));
    });
  }

  activeFaults(): FaultKind[] {
    return this.active.map((running) => running.entry.kind);
  }

  healAll(control: FaultControl): void {
    this.halted = true;
    while (this.active.length > 0) this.stop(this.active[this.active.length - 1] as Running, control);
  }

  private begin(entry: ScheduledFault, index: number): void {
    const context = this.context as ScheduleContext;
    if (this.halted) return;
    const nowMs = context.scheduler.nowMs();
    // A fault that follows on at once from another on its resource: the stop due now may be timed after this start.
    for (const running of this.active.filter((other) => other.endsAtMs <= nowMs && RESOURCE_OF[other.entry.kind] === RESOURCE_OF[entry.kind])) this.stop(running, context.control);
    // Each entry draws its targets from a stream of its own, so resolving one never moves another.
    const plan = resolvePlan(entry, this.random.fork(`scheduled ${index}`), context.view());
    applyPlan(entry.kind, plan, context.control);
    const running: Running = { entry, plan, endsAtMs: nowMs + entry.durationMs };
    this.active.push(running);
    context.onEvent({ f: `start-${entry.kind}`, value: plan, plannedDurationMs: entry.durationMs });
    context.scheduler.after(entry.durationMs, 'nemesis', () => {
      if (this.active.includes(running)) this.stop(running, context.control);
    });
  }

  private stop(running: Running, control: FaultControl): void {
    this.active.splice(this.active.indexOf(running), 1);
    undoPlan(running.entry.kind, running.plan, control);
    this.context?.onEvent({ f: `stop-${running.entry.kind}`, value: running.plan });
  }
}

function resolvePlan(entry: ScheduledFault, random: SeededRandom, view: { nodes: readonly string[]; leader: string | null }): PartitionPlan | NodeSelection | ClockPlan {
  const value = entry.value as Record<string, unknown>;
  if (entry.kind === 'partition') {
    if (Array.isArray(value['groups']) || (value['grudge'] !== undefined && value['grudge'] !== null)) return value as unknown as PartitionPlan;
    return planPartition((value['target'] ?? 'isolate-one') as PartitionPlan['target'], random, view);
  }
  if (entry.kind === 'clock') {
    if (value['skews'] !== undefined) return value as unknown as ClockPlan;
    return planClock((value['change'] ?? 'bump') as ClockPlan['change'], random, view, DEFAULT_CLOCK_LIMITS);
  }
  if (Array.isArray(value['nodes'])) return value as unknown as NodeSelection;
  return pickNodes((value['target'] ?? 'one') as NodeSelection['target'], random, view);
}

function applyPlan(kind: FaultKind, plan: PartitionPlan | NodeSelection | ClockPlan, control: FaultControl): void {
  if (kind === 'partition') applyPartition(control, plan as PartitionPlan);
  else if (kind === 'clock') for (const [node, skew] of Object.entries((plan as ClockPlan).skews)) control.skewClock(node, skew);
  else for (const node of (plan as NodeSelection).nodes) (kind === 'kill' ? control.kill(node) : control.pause(node));
}

function undoPlan(kind: FaultKind, plan: PartitionPlan | NodeSelection | ClockPlan, control: FaultControl): void {
  if (kind === 'partition') control.heal();
  else if (kind === 'clock') for (const node of Object.keys((plan as ClockPlan).skews)) control.resetClock(node);
  else for (const node of (plan as NodeSelection).nodes) (kind === 'kill' ? control.restart(node) : control.resume(node));
}
