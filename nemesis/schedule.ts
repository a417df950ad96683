/**
 * The seeded fault schedule: quiet, fault, quiet, fault, ... on the run's
 * Scheduler (virtual time on the simulator), choosing a nemesis each time
 * from the random stream, and reporting every start and stop for the history.
 *
 * Timing and targets draw from separate streams forked from the schedule's
 * seed, so a change in how targets are picked does not move when faults
 * happen, and the reverse. Each fault picks its targets from a stream of its
 * own (the n-th fault's), so a runtime whose leader differs at one fault
 * (a real cluster elects on its own clock) still picks the same targets as
 * the simulator for every other fault.
 */
import assert from 'node:assert/strict';
import type { SeededRandom } from '../common/random.js';
import type { FaultControl, Scheduler } from '../harness/runtimes/index.js';
import type { ClusterView, Fault, FaultDescription, FaultKind, FaultResource, Nemesis } from './index.js';

export interface DurationRangeMs {
  min: number;
  /** Inclusive. */
  max: number;
}

export interface ScheduleTiming {
  /** How long each fault stays on. */
  faultMs: DurationRangeMs;
  /** How long the cluster runs without a new fault between two starts. */
  quietMs: DurationRangeMs;
  /**
   * Faults on at once, each on its own resource. With 1 (the default) the
   * schedule strictly alternates: quiet, fault, quiet. With more, the next
   * quiet period starts when a fault starts, so faults of different kinds
   * overlap (a partition during a pause, say).
   */
  maxActiveFaults: number;
}

export const DEFAULT_TIMING: ScheduleTiming = {
  faultMs: { min: 2_000, max: 10_000 },
  quietMs: { min: 2_000, max: 10_000 },
  maxActiveFaults: 1,
};

export type NemesisEventName = `start-${FaultKind}` | `stop-${FaultKind}`;

/** One nemesis event; the recorder adds process "nemesis", type "info", time and index. */
export interface NemesisEvent {
  f: NemesisEventName;
  value: unknown;
  /** On a start: how long the schedule means the fault to last (a run cut short records it so, not as cut). */
  plannedDurationMs?: number;
}

export interface ScheduleContext {
  scheduler: Scheduler;
  control: FaultControl;
  /** The cluster as it is now (its leader included), read when each fault starts. */
  view(): ClusterView;
  onEvent(event: NemesisEvent): void;
}

/** What the run pipeline drives: a generated schedule (NemesisSchedule) or one given as data (ScriptedSchedule). */
export interface FaultSchedule {
  start(context: ScheduleContext): void;
  /** Kinds of the faults on now, oldest first (for progress lines). */
  activeFaults(): FaultKind[];
  /** Stops every fault still on, newest first, and starts no more. */
  healAll(control: FaultControl): void;
}

interface ActiveFault {
  nemesis: Nemesis;
  fault: Fault;
}

export class NemesisSchedule implements FaultSchedule {
  private readonly timingRandom: SeededRandom;
  private readonly targetRandom: SeededRandom;
  private readonly active: ActiveFault[] = [];
  private context: ScheduleContext | null = null;
  private halted = false;
  /** True when the next quiet period waits for a fault to stop. */
  private waitingForStop = false;
  private faultsStarted = 0;

  constructor(
    readonly nemeses: readonly Nemesis[],
    random: SeededRandom,
    readonly timing: ScheduleTiming = DEFAULT_TIMING,
  ) {
    assertRange('faultMs', timing.faultMs, 1);
    assertRange('quietMs', timing.quietMs, 0);
    assert.ok(Number.isInteger(timing.maxActiveFaults) && timing.maxActiveFaults >= 1, 'maxActiveFaults must be a whole number >= 1');
    this.timingRandom = random.fork('nemesis-timing');
    this.targetRandom = random.fork('nemesis-targets');
  }

  /** Begins with a quiet period; does nothing for the "none" nemesis. */
  start(context: ScheduleContext): void {
    assert.equal(this.context, null, 'a schedule starts once');
    this.context = context;
    if (this.nemeses.length > 0) this.planNext();
  }

  /** Kinds of the faults on now, oldest first (for progress lines). */
  activeFaults(): FaultKind[] {
    return this.active.map((entry) => entry.nemesis.name);
  }

  /**
   * Stops every fault still on, newest first, and starts no more: the harness
   * calls it at the time limit, before recovery and the final reads. Every
   * fault is stopped even if one stop throws; the first error is rethrown.
   */
  healAll(control: FaultControl): void {
    this.halted = true;
    const errors: unknown[] = [];
    while (this.active.length > 0) {
      const entry = this.active.pop() as ActiveFault;
      try {
        this.report(entry.fault.stop(control), 'stop');
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }

  private planNext(): void {
    const context = this.requireContext();
    context.scheduler.after(this.draw(this.timing.quietMs), 'nemesis', () => this.beginFault());
  }

  private beginFault(): void {
    if (this.halted) return;
    const context = this.requireContext();
    const held = new Set<FaultResource>(this.active.map((entry) => entry.nemesis.resource));
    const eligible = this.nemeses.filter((nemesis) => !held.has(nemesis.resource));
    if (eligible.length === 0) {
      this.waitingForStop = true;
      return;
    }
    const nemesis = eligible[this.timingRandom.integer(0, eligible.length)] as Nemesis;
    const fault = nemesis.fault();
    const targets = this.targetRandom.fork(`fault ${this.faultsStarted++}`);
    // Targets draw from their own stream: drawing the duration first moves nothing.
    const durationMs = this.draw(this.timing.faultMs);
    const description = fault.start(context.control, targets, context.view());
    const entry: ActiveFault = { nemesis, fault };
    this.active.push(entry);
    this.report(description, 'start', durationMs);
    context.scheduler.after(durationMs, 'nemesis', () => this.endFault(entry));
    if (this.active.length < this.timing.maxActiveFaults) this.planNext();
    else this.waitingForStop = true;
  }

  private endFault(entry: ActiveFault): void {
    const index = this.active.indexOf(entry);
    // healAll may have stopped it already.
    if (index < 0) return;
    this.active.splice(index, 1);
    this.report(entry.fault.stop(this.requireContext().control), 'stop');
    if (this.waitingForStop && !this.halted) {
      this.waitingForStop = false;
      this.planNext();
    }
  }

  private report(description: FaultDescription, phase: 'start' | 'stop', plannedDurationMs?: number): void {
    this.context?.onEvent(faultEvent(description, phase, plannedDurationMs));
  }

  private draw(range: DurationRangeMs): number {
    return this.timingRandom.integer(range.min, range.max + 1);
  }

  private requireContext(): ScheduleContext {
    assert.ok(this.context !== null, 'the schedule has not started');
    return this.context;
  }
}

/** The history's event for a fault starting or stopping: one form for every schedule. */
export function faultEvent(description: FaultDescription, phase: 'start' | 'stop', plannedDurationMs?: number): NemesisEvent {
  return { f: `${phase}-${description.kind}`, value: description.value, ...(plannedDurationMs === undefined ? {} : { plannedDurationMs }) };
}

function assertRange(name: string, range: DurationRangeMs, minimumMs: number): void {
  const whole = Number.isInteger(range.min) && Number.isInteger(range.max);
  assert.ok(whole && range.min >= minimumMs && range.max >= range.min, `${name} must be whole ms with ${minimumMs} <= min <= max, got ${JSON.stringify(range)}`);
}
