/**
 * A compound fault, as Jepsen composes nemeses: a follower is cut off, then
 * the leader is lost (killed or paused) while the follower is still out, then
 * the follower's cut heals while the leader is still down, and the leader
 * comes back. The stale follower then stands for election against nodes that
 * hold writes it missed: the corner where an election that ignores logs loses
 * committed writes. Last, while the old leader catches up, it is lost once
 * more (a crash during recovery, a kill whenever the run allows one, since a
 * second pause loses nothing): what the new leader synced to it but it had
 * not made durable is gone, the corner of ZooKeeper's sync-phase data loss
 * (ZOOKEEPER-3911). Single faults, or several drawn to overlap by chance,
 * almost never line up in this order.
 *
 * A compound comes at a drawn point in a phase's second half: the phase's own mix runs
 * before it and is healed in time for a quiet gap and the compound fault
 * (drawn from the run's fault timing), and a second mix (from a stream of its
 * own) runs after it to the phase's end, so the mix keeps the rest of the
 * phase. The leader is lost a quarter of the way into the compound fault, the
 * follower healed at three eighths, the leader back at five eighths: it stays
 * down for three eighths of a fault, which outlasts an election, and the
 * healed follower has a quarter of a fault to stand before the leader is back
 * (on three nodes nothing commits while the leader is down and the follower
 * cut, so a longer cut would leave it no staler). A quarter of a fault after
 * the leader is back it is lost again, to the compound's end: a node back
 * from a loss syncs only after it has waited out an election timeout (a ZAB
 * peer stays loyal that long to the leader it last heard) and taken a write,
 * so a relapse an eighth after the return hit most nodes before they had
 * anything unsynced to lose (bench:detect --swarm sync-ack-before-durable on
 * ZAB, seeds 301-400: 14 of 45 compounds with a kill caught it when the
 * relapse came under 300 ms after the return, 22 of 23 at 450 ms or more).
 *
 * A leader cut is the other shape: the leader (with followers, on five nodes
 * or more: leader-minority) cut from the quorum while its clients still reach
 * it, for a fault from the longer half of the run's, with nothing else on: a
 * leader that serves reads on a lease it no longer holds, and a lock waiter
 * whose session expires unnoticed behind the cut, need the cut to outlast an
 * election and a session timeout, which most single faults in a mix, cut
 * short by the next fault or overlapped by a kill on the majority side, do
 * not. Three quarters in, the leader the majority elected meanwhile is lost
 * too (killed or paused), and an eighth later the cut heals: the old leader,
 * which missed every write of the new one, stands against the rest, the
 * stale-log election from the other side; the lost leader is back at the
 * end. A leader cut comes at a drawn point in a phase's first half: what it
 * exposes shows during the cut, so the sooner the better, and the second mix
 * keeps the phase's end.
 *
 * With a stale clock rate (when the run allows clock faults), both shapes run
 * the cut's minority side (the stale follower; the old leader and its
 * followers) at that rate from the leader's loss until, once the cut heals, a
 * new leader leads (or the lost one is back): its election timers fire first,
 * so the stale side, not a node that holds what it missed, stands first.
 * Randomized timeouts alone leave that to a coin toss, and a term behind (a
 * leader cut on Raft) to almost nothing. The clocks are back to true time as
 * soon as anyone leads, so no leader runs on a fast clock (its sessions would
 * expire early), and while they run fast the leader the stale side could vote
 * against is lost. It takes effect where election timers follow the skewed
 * clock (the simulator, the bundled coordinator); ZooKeeper and etcd time
 * elections on the host's monotonic clock, so there it is a wall-clock fault.
 */
import assert from 'node:assert/strict';
import type { SeededRandom } from '../common/random.js';
import type { FaultControl } from '../harness/runtimes/index.js';
import type { Fault, FaultDescription, FaultKind, Nemesis } from './index.js';
import { clockNemesis, fixedDriftFault } from './clock.js';
import { KILL, killNemesis } from './kill.js';
import { partitionNemesis } from './partition.js';
import { PAUSE, pauseNemesis } from './pause.js';
import { NodeFault, type NodeAction } from './process-fault.js';
import { DEFAULT_CLOCK_LIMITS, type PartitionPlan } from './targets.js';
import { faultEvent, type DurationRangeMs, type FaultSchedule, type ScheduleContext } from './schedule.js';

/** How often a compound looks for a new leader while the stale side's clocks run fast: a small part of an election. */
const LEADER_POLL_MS = 20;

/** How the leader is lost in a compound fault. */
export type CompoundLeaderFault = 'kill' | 'pause';

export const COMPOUND_LEADER_FAULTS: readonly CompoundLeaderFault[] = ['kill', 'pause'];

/** Which node is cut off first: a follower (the default), or the leader for a long cut. */
export type CompoundShape = 'stale-follower' | 'leader-cut';

export const COMPOUND_SHAPES: readonly CompoundShape[] = ['stale-follower', 'leader-cut'];

/** A compound with no shape named is a stale follower's. */
export const DEFAULT_COMPOUND_SHAPE: CompoundShape = 'stale-follower';

/** What a compound does, as a swarm phase records it; what is left out takes its default. */
export interface CompoundSettings {
  /** How the leader is lost. */
  leaderFault: CompoundLeaderFault;
  /** Default: DEFAULT_COMPOUND_SHAPE. */
  shape?: CompoundShape;
  /** The rate the stale side's clocks run at from the leader's loss until a new leader leads; default: clocks untouched. */
  staleClockRate?: number;
  /** How the node back from the leader's loss is lost again (a stale follower's compound); default: as the leader was. */
  relapseFault?: CompoundLeaderFault;
}

interface Step {
  nemesis: Nemesis;
  fault: Fault;
  /** What the fault did, once started. */
  value?: unknown;
}

export class CompoundSchedule implements FaultSchedule {
  private readonly cut: Nemesis;
  private readonly lose: Nemesis;
  /** How a stale follower's compound loses the old leader again as it catches up. */
  private readonly relapse: { nemesis: Nemesis; action: NodeAction };
  /** Runs the stale side's clocks fast at this rate, when the compound has one. */
  private readonly drift: { nemesis: Nemesis; rate: number } | null;
  readonly shape: CompoundShape;
  private readonly timingRandom: SeededRandom;
  private readonly targetRandom: SeededRandom;
  /** Faults on now, oldest first. */
  private readonly active: Step[] = [];
  private context: ScheduleContext | null = null;
  private halted = false;
  /** The mix on now, if any. */
  private mixOn: FaultSchedule | null = null;

  constructor(
    settings: CompoundSettings,
    random: SeededRandom,
    readonly timing: { faultMs: DurationRangeMs; quietMs: DurationRangeMs },
    /** The phase's own mix, run before the compound and, a second one, after it. */
    readonly mixes: { before: FaultSchedule; after: FaultSchedule },
    /** How long the phase lasts. */
    readonly phaseMs: number,
  ) {
    assert.ok(timing.faultMs.min >= 1 && timing.faultMs.max >= timing.faultMs.min, `bad fault range ${JSON.stringify(timing.faultMs)}`);
    assert.ok(timing.quietMs.min >= 0 && timing.quietMs.max >= timing.quietMs.min, `bad quiet range ${JSON.stringify(timing.quietMs)}`);
    assert.ok(Number.isInteger(phaseMs) && phaseMs >= 1, `a phase lasts whole ms >= 1, got ${phaseMs}`);
    this.shape = settings.shape ?? DEFAULT_COMPOUND_SHAPE;
    this.cut = partitionNemesis({ targets: [this.shape === 'leader-cut' ? 'leader-minority' : 'isolate-follower'], customGroups: [] });
    this.lose = leaderLoss(settings.leaderFault);
    const relapseFault = settings.relapseFault ?? settings.leaderFault;
    this.relapse = { nemesis: relapseFault === settings.leaderFault ? this.lose : leaderLoss(relapseFault), action: relapseFault === 'kill' ? KILL : PAUSE };
    const rate = settings.staleClockRate;
    this.drift = rate === undefined ? null : { nemesis: clockNemesis({ ...DEFAULT_CLOCK_LIMITS, changes: ['drift'] }), rate };
    this.timingRandom = random.fork('nemesis-timing');
    this.targetRandom = random.fork('nemesis-targets');
  }

  /** The nemeses it uses, for the runtime's abilities check. */
  nemeses(): Nemesis[] {
    const nemeses = [this.cut, this.lose, ...(this.relapse.nemesis === this.lose ? [] : [this.relapse.nemesis])];
    return this.drift === null ? nemeses : [...nemeses, this.drift.nemesis];
  }

  start(context: ScheduleContext): void {
    assert.equal(this.context, null, 'a schedule starts once');
    this.context = context;
    const quietMs = this.draw(this.timing.quietMs);
    const durationMs = this.draw(this.shape === 'leader-cut' ? longerHalf(this.timing.faultMs) : this.timing.faultMs);
    // A stale follower's election in the phase's second half: the mix keeps the phase's opening, where most single faults
    // show. A leader cut in its first half: what it exposes shows during the cut, and the mix keeps the phase's end.
    const spanMs = Math.max(0, this.phaseMs - quietMs - durationMs);
    const offsetMs = this.draw(this.shape === 'leader-cut' ? { min: 0, max: Math.floor(spanMs / 2) } : { min: Math.floor(spanMs / 2), max: spanMs });
    if (offsetMs > 0) this.startMix(this.mixes.before);
    context.scheduler.after(offsetMs, 'nemesis', () => {
      if (this.halted) return;
      this.stopMix(context.control);
      context.scheduler.after(quietMs, 'nemesis', () => (this.shape === 'leader-cut' ? this.leaderCut(durationMs) : this.compound(durationMs)));
    });
  }

  activeFaults(): FaultKind[] {
    return this.mixOn !== null ? this.mixOn.activeFaults() : this.active.map((step) => step.nemesis.name);
  }

  /** Stops every fault still on, newest first, and starts no more; the first error is rethrown. */
  healAll(control: FaultControl): void {
    this.halted = true;
    const errors: unknown[] = [];
    try {
      this.stopMix(control);
    } catch (error) {
      errors.push(error);
    }
    while (this.active.length > 0) {
      try {
        this.stop(this.active[this.active.length - 1] as Step, control);
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }

  private startMix(mix: FaultSchedule): void {
    this.mixOn = mix;
    mix.start(this.requireContext());
  }

  /** Once the compound is over, the phase's second mix runs to its end. */
  private startSecondMix(): void {
    if (!this.halted) this.startMix(this.mixes.after);
  }

  private stopMix(control: FaultControl): void {
    const mix = this.mixOn;
    this.mixOn = null;
    mix?.healAll(control);
  }

  /** The stale follower's steps: cut a follower, lose the leader at a quarter, heal the follower at three eighths, the leader back at five eighths, then the relapse from seven eighths to the end. */
  private compound(durationMs: number): void {
    const backAtMs = Math.floor((durationMs * 5) / 8);
    const times = { loseAtMs: Math.floor(durationMs / 4), healAtMs: Math.floor((durationMs * 3) / 8), backAtMs };
    const relapseAtMs = Math.floor((durationMs * 7) / 8);
    this.cutThenLose(times, (lost, targets) => this.loseAgain(lost, targets, { afterMs: relapseAtMs - backAtMs, forMs: durationMs - relapseAtMs }));
  }

  /** The leader cut: the leader cut off, the leader elected meanwhile lost at three quarters, the cut healed at seven eighths, the lost leader back at the end. */
  private leaderCut(durationMs: number): void {
    const times = { loseAtMs: Math.floor((durationMs * 3) / 4), healAtMs: Math.floor((durationMs * 7) / 8), backAtMs: durationMs };
    this.cutThenLose(times, () => this.startSecondMix());
  }

  /** What both shapes share: the cut, a leader lost while it is on, the cut healed, the leader back, then `next`. */
  private cutThenLose(times: { loseAtMs: number; healAtMs: number; backAtMs: number }, next: (lost: Step, targets: SeededRandom) => void): void {
    if (this.halted) return;
    const context = this.requireContext();
    const { loseAtMs, healAtMs, backAtMs } = times;
    assert.ok(loseAtMs <= healAtMs && healAtMs <= backAtMs, `a compound heals its cut after the loss and before the return: ${JSON.stringify(times)}`);
    const targets = this.targetRandom.fork('compound');
    const cut = this.begin({ nemesis: this.cut, fault: this.cut.fault() }, targets, healAtMs);
    context.scheduler.after(loseAtMs, 'nemesis', () => {
      if (this.halted) return;
      const lost = this.begin({ nemesis: this.lose, fault: this.lose.fault() }, targets, backAtMs - loseAtMs);
      const fast = this.fastStaleClocks(cut, targets, backAtMs - loseAtMs);
      context.scheduler.after(healAtMs - loseAtMs, 'nemesis', () => {
        this.stopIfOn(cut);
        if (fast !== null) this.endOnNewLeader(fast, lost, backAtMs - healAtMs);
      });
      context.scheduler.after(backAtMs - loseAtMs, 'nemesis', () => {
        if (fast !== null) this.stopIfOn(fast);
        this.stopIfOn(lost);
        next(lost, targets);
      });
    });
  }

  /**
   * Once the cut heals, the fast clocks stop as soon as a node other than the lost leader leads: they are there to decide
   * who stands first, and a node that leads on a fast clock would expire its sessions early, a fault outside what a
   * correct system promises to survive. Checked every LEADER_POLL_MS until the lost leader is back, when they stop anyway.
   */
  private endOnNewLeader(fast: Step, lost: Step, untilMs: number): void {
    const context = this.requireContext();
    const lostNodes = (lost.value as { nodes: readonly string[] }).nodes;
    const poll = (leftMs: number): void => {
      if (this.halted || !this.active.includes(fast)) return;
      const leader = context.view().leader;
      if (leader !== null && !lostNodes.includes(leader)) this.stopIfOn(fast);
      else if (leftMs > LEADER_POLL_MS) context.scheduler.after(LEADER_POLL_MS, 'nemesis', () => poll(leftMs - LEADER_POLL_MS));
    };
    poll(untilMs);
  }

  /** The last step of a stale follower's compound: the node back from it is lost again while it catches up, then the second mix runs. */
  private loseAgain(lost: Step, targets: SeededRandom, times: { afterMs: number; forMs: number }): void {
    if (this.halted) return;
    const context = this.requireContext();
    assert.ok(lost.fault instanceof NodeFault, 'the compound loses its leader with a kill or a pause');
    const again = lost.fault.again(this.relapse.action);
    context.scheduler.after(times.afterMs, 'nemesis', () => {
      if (this.halted) return;
      const step = this.begin({ nemesis: this.relapse.nemesis, fault: again }, targets, times.forMs);
      context.scheduler.after(times.forMs, 'nemesis', () => {
        this.stopIfOn(step);
        this.startSecondMix();
      });
    });
  }

  /**
   * While the leader is lost, the cut's minority side (the stale follower, or the old leader and its followers) runs its
   * clocks fast: its election timers fire before those of the nodes that hold what it missed, so the stale side stands
   * first once the cut heals. Without it the stale side stands first in about half the elections on a Raft-like engine,
   * and the old leader of a leader cut, a term behind, almost never.
   */
  private fastStaleClocks(cut: Step, targets: SeededRandom, plannedDurationMs: number): Step | null {
    if (this.drift === null || !this.active.includes(cut)) return null;
    const plan = cut.value as PartitionPlan;
    assert.ok('groups' in plan && plan.groups.length >= 2, `a compound's cut splits the nodes into groups: ${JSON.stringify(plan)}`);
    const staleSide = plan.groups.reduce((smallest, group) => (group.length < smallest.length ? group : smallest));
    return this.begin({ nemesis: this.drift.nemesis, fault: fixedDriftFault(staleSide, this.drift.rate) }, targets, plannedDurationMs);
  }

  private begin(step: Step, targets: SeededRandom, plannedDurationMs: number): Step {
    const context = this.requireContext();
    const description = step.fault.start(context.control, targets, context.view());
    step.value = description.value;
    this.active.push(step);
    this.report(description, 'start', plannedDurationMs);
    return step;
  }

  private stopIfOn(step: Step): void {
    // healAll may have stopped it already.
    if (this.active.includes(step)) this.stop(step, this.requireContext().control);
  }

  private stop(step: Step, control: FaultControl): void {
    this.active.splice(this.active.indexOf(step), 1);
    this.report(step.fault.stop(control), 'stop');
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

function leaderLoss(fault: CompoundLeaderFault): Nemesis {
  return fault === 'kill' ? killNemesis({ targets: ['leader'] }) : pauseNemesis({ targets: ['leader'] });
}

/** The longer half of a range of durations: a leader cut outlasts an election and a session timeout. */
function longerHalf(range: DurationRangeMs): DurationRangeMs {
  return { min: Math.floor((range.min + range.max) / 2), max: range.max };
}
