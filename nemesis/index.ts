/**
 * The Nemesis seam: faults as start/stop pairs whose targets come from pure
 * functions of the seeded random stream and the cluster's state, applied
 * through the runtime's FaultControl and recorded in the history as
 * `nemesis` events.
 */
import type { Random } from '../common/random.js';
import type { FaultAbility, FaultControl } from '../harness/runtimes/index.js';

/** A kind of fault; also the suffix of its history events ("start-partition"). */
export type FaultKind = 'partition' | 'kill' | 'pause' | 'clock';

export type NemesisName = 'none' | FaultKind;

/**
 * What a fault holds while it is on. Two faults on the same resource never
 * overlap: a kill and a pause of one node would undo each other (resuming a
 * node that was killed meanwhile), and one heal() ends every partition.
 */
export type FaultResource = 'network' | 'process' | 'clock';

/** What the nemesis knows of the cluster when it picks targets. */
export interface ClusterView {
  nodes: readonly string[];
  /** The node that currently leads, if any node claims to. */
  leader: string | null;
}

/** A fault started, as recorded in the history: f "start-<kind>" with this value. */
export interface FaultDescription {
  kind: FaultKind;
  /** e.g. { target: "halves", groups: [["n1"], ["n2","n3"]] } or { target: "one", nodes: ["n2"] }. */
  value: unknown;
}

export interface Fault {
  /** Picks targets (pure: random + view) and applies the fault; returns what was done. */
  start(control: FaultControl, random: Random, view: ClusterView): FaultDescription;
  /** Undoes exactly what start() did; returns the same description. */
  stop(control: FaultControl): FaultDescription;
}

export interface Nemesis {
  name: FaultKind;
  /** Abilities the runtime must have; checked before the run starts. */
  requires: readonly FaultAbility[];
  /** What its faults hold while on; the schedule never overlaps two faults on one resource. */
  resource: FaultResource;
  /** A new fault of this nemesis, to start now (its start() picks the targets). */
  fault(): Fault;
}

export { clockNemesis, type ClockOptions } from './clock.js';
export { killNemesis } from './kill.js';
export { pauseNemesis } from './pause.js';
export { applyPartition, partitionNemesis, type PartitionOptions } from './partition.js';
export type { NodeFaultOptions } from './process-fault.js';
export {
  DEFAULT_TIMING,
  NemesisSchedule,
  type FaultSchedule,
  type DurationRangeMs,
  type NemesisEvent,
  type NemesisEventName,
  type ScheduleContext,
  type ScheduleTiming,
} from './schedule.js';
export { MAX_SCHEDULE_PHASES, PhasedSchedule, type SchedulePhase } from './phased.js';
export { COMPOUND_LEADER_FAULTS, COMPOUND_SHAPES, CompoundSchedule, DEFAULT_COMPOUND_SHAPE, type CompoundLeaderFault, type CompoundSettings, type CompoundShape } from './compound.js';
export { nemesisOfSchedule, ScriptedSchedule, type ScheduledFault } from './scripted.js';
export { checkSchedule, MAX_SCHEDULED_FAULTS, type ScheduleWindow } from './scripted-checks.js';
export {
  FAULT_KINDS,
  NEMESIS_CHOICES,
  checkAbilities,
  createNemeses,
  createSchedule,
  parseNemesisSpec,
  type NemesisConfig,
  type NemesisOptions,
} from './spec.js';
export * from './targets.js';
