/**
 * Swarm over time: a run cut into phases, each with a fault schedule of its
 * own (its own fault kinds, targets and faults at once), one after another.
 * One run then covers several corners instead of the one mix a seed drew.
 * A phase's faults still on when it ends are healed before the next begins,
 * so no fault of one phase outlives it into another's mix.
 */
import assert from 'node:assert/strict';
import type { FaultControl } from '../harness/runtimes/index.js';
import type { FaultKind } from './index.js';
import type { FaultSchedule, ScheduleContext } from './schedule.js';

/** Bounds the phases of one run. */
export const MAX_SCHEDULE_PHASES = 64;

export interface SchedulePhase {
  /** How long the phase lasts; the last phase lasts until the schedule is healed. */
  durationMs: number;
  schedule: FaultSchedule;
}

export class PhasedSchedule implements FaultSchedule {
  private context: ScheduleContext | null = null;
  private current = -1;
  private halted = false;

  constructor(readonly phases: readonly SchedulePhase[]) {
    assert.ok(phases.length >= 1 && phases.length <= MAX_SCHEDULE_PHASES, `a phased schedule needs 1 to ${MAX_SCHEDULE_PHASES} phases, got ${phases.length}`);
    for (const phase of phases) assert.ok(Number.isInteger(phase.durationMs) && phase.durationMs >= 1, `a phase lasts whole ms >= 1, got ${phase.durationMs}`);
  }

  start(context: ScheduleContext): void {
    assert.equal(this.context, null, 'a schedule starts once');
    this.context = context;
    this.enter(0);
  }

  activeFaults(): FaultKind[] {
    return this.current < 0 ? [] : this.phaseAt(this.current).schedule.activeFaults();
  }

  /** Stops the current phase's faults and starts no more phases. */
  healAll(control: FaultControl): void {
    this.halted = true;
    if (this.current >= 0) this.phaseAt(this.current).schedule.healAll(control);
  }

  private enter(index: number): void {
    const context = this.context;
    assert.ok(context !== null, 'the schedule has not started');
    if (this.halted) return;
    if (this.current >= 0) this.phaseAt(this.current).schedule.healAll(context.control);
    this.current = index;
    const phase = this.phaseAt(index);
    phase.schedule.start(context);
    if (index + 1 < this.phases.length) context.scheduler.after(phase.durationMs, 'nemesis', () => this.enter(index + 1));
  }

  private phaseAt(index: number): SchedulePhase {
    const phase = this.phases[index];
    assert.ok(phase !== undefined, `no phase ${index}`);
    return phase;
  }
}
