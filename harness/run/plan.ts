/**
 * What a run will do, from its config alone: the phase times, the nemesis
 * schedule and the workload's generator, built here once for every runtime.
 * The pipeline runs exactly these; planRun() returns them as plain data
 * (each fault's kind, targets and start, each worker's first operation), so a
 * test can show that one seed and config give one schedule on every runtime
 * without booting a cluster.
 */
import { SeededRandom } from '../../common/random.js';
import { checkAbilities, CompoundSchedule, type CompoundSettings, createSchedule, PhasedSchedule, ScriptedSchedule, type NemesisOptions, type FaultKind, type FaultSchedule, type ScheduleContext, type ScheduledFault } from '../../nemesis/index.js';
import { workloadNamed, type OperationGenerator, type OperationRequest } from '../../workloads/index.js';
import { Simulation } from '../runtimes/sim/simulation.js';
import { workerStream } from './workers.js';
import { planWorkload, runPhases, type PhaseName, type WorkloadPlan } from '../generators/workload.js';
import type { FaultAbility, FaultControl, Scheduler } from '../runtimes/index.js';
import type { RunConfig } from './config.js';
import { nodeNames, runStreams } from './streams.js';

export interface RunTimes {
  warmUpMs: number;
  /** The time limit: workload under faults, after warm-up. */
  faultsMs: number;
  recoveryMs: number;
}

export function runTimes(config: RunConfig): RunTimes {
  return { warmUpMs: config.warmupSeconds * 1000, faultsMs: config.timeLimitSeconds * 1000, recoveryMs: config.recoverySeconds * 1000 };
}

/** The run's fault schedule: the one its config gives as data, or one generated from the seed; with `abilities`, a fault the runtime cannot do is a UsageError here. */
export function createRunSchedule(config: RunConfig, nodes: readonly string[], abilities?: ReadonlySet<FaultAbility>): FaultSchedule {
  if (config.schedule !== undefined) return new ScriptedSchedule(config.schedule as ScheduledFault[], runStreams(config.seed).nemesis);
  if (config.swarmPhases !== undefined) return phasedSchedule(config, nodes, abilities);
  const timing = { ...config.faultTiming, maxActiveFaults: config.maxActiveFaults };
  return createSchedule({ nemesis: config.nemesis, nodes, timing, ...(config.nemesisOptions === undefined ? {} : { options: config.nemesisOptions as NemesisOptions }) }, runStreams(config.seed).nemesis, abilities, config.runtime);
}

/** Swarm over time: each phase's own schedule, from its own stream of the run's nemesis stream. */
function phasedSchedule(config: RunConfig, nodes: readonly string[], abilities?: ReadonlySet<FaultAbility>): FaultSchedule {
  const random = runStreams(config.seed).nemesis;
  const phases = (config.swarmPhases ?? []).map((phase, index) => {
    const phaseRandom = random.fork(`phase ${index}`);
    const timing = { ...config.faultTiming, maxActiveFaults: phase.maxActiveFaults };
    const mix = (mixRandom: SeededRandom): FaultSchedule => createSchedule({ nemesis: phase.nemesis, nodes, timing, options: phase.nemesisOptions as NemesisOptions }, mixRandom, abilities, config.runtime);
    const schedule = mix(phaseRandom);
    if (phase.compound === undefined) return { durationMs: phase.durationMs, schedule };
    const mixes = { before: schedule, after: mix(phaseRandom.fork('after compound')) };
    const compound: CompoundSettings = { leaderFault: phase.compound, shape: phase.compoundShape, staleClockRate: phase.staleClockRate, relapseFault: phase.compoundRelapse };
    return { durationMs: phase.durationMs, schedule: compoundSchedule(compound, phaseRandom.fork('compound'), config, mixes, phase.durationMs, abilities) };
  });
  return new PhasedSchedule(phases);
}

/** A phase whose own mix makes way, at a drawn point, for one compound fault. */
function compoundSchedule(
  compound: CompoundSettings,
  random: SeededRandom,
  config: RunConfig,
  mixes: { before: FaultSchedule; after: FaultSchedule },
  phaseMs: number,
  abilities?: ReadonlySet<FaultAbility>,
): CompoundSchedule {
  const schedule = new CompoundSchedule(compound, random, config.faultTiming, mixes, phaseMs);
  if (abilities !== undefined) checkAbilities(schedule.nemeses(), abilities, config.runtime);
  return schedule;
}

/** Starts the schedule when warm-up ends and heals at the time limit, both on the run's own clock. */
export function scheduleNemesis(scheduler: Scheduler, schedule: FaultSchedule, times: RunTimes, context: Omit<ScheduleContext, 'scheduler'>, heal: () => void): void {
  scheduler.after(times.warmUpMs, 'nemesis', () => schedule.start({ scheduler, ...context }));
  // Heal on the run's clock, not at a phase change: the faults phase may wait for slow operations to finish.
  scheduler.after(times.warmUpMs + times.faultsMs, 'nemesis', heal);
}

export interface RunWorkload {
  plan: WorkloadPlan;
  generator: OperationGenerator;
}

export function planRunWorkload(config: RunConfig, onPhase?: (phase: PhaseName, nowMs: number) => void): RunWorkload {
  const plan = planWorkload(workloadNamed(config.workload), { concurrency: config.concurrency, rate: config.rate });
  const generator = runPhases(plan, { ...runTimes(config), ...(onPhase === undefined ? {} : { onPhase }) });
  return { plan, generator };
}

export interface PlannedFault {
  kind: FaultKind;
  /** Milliseconds since the workload began. */
  startMs: number;
  stopMs: number;
  /** Targets as chosen when no leader is known; a leader-based target names the leader the live run sees. */
  value: unknown;
}

export interface PlannedOperation {
  worker: number;
  request: OperationRequest;
  delayMs: number;
}

export interface RunPlan {
  times: RunTimes;
  nodes: string[];
  faults: PlannedFault[];
  /** Each worker's first operation (none for a worker told to wait). */
  firstOperations: PlannedOperation[];
}

/** The run's schedule as data, from config and seed alone, on the simulator's clock (an empty Simulation) with a fault control that does nothing. */
export function planRun(config: RunConfig): RunPlan {
  const times = runTimes(config);
  const nodes = nodeNames(config.nodes);
  return { times, nodes, faults: planFaults(config, times, nodes), firstOperations: planFirstOperations(config) };
}

function planFaults(config: RunConfig, times: RunTimes, nodes: string[]): PlannedFault[] {
  const scheduler = new Simulation({ seed: config.seed });
  const control = inertFaultControl(nodes);
  const schedule = createRunSchedule(config, nodes);
  const faults: PlannedFault[] = [];
  const open = new Map<string, PlannedFault>();
  const onEvent = ({ f, value }: { f: string; value: unknown }): void => {
    const [phase, kind] = [f.slice(0, f.indexOf('-')), f.slice(f.indexOf('-') + 1) as FaultKind];
    const nowMs = scheduler.nowMs();
    if (phase === 'start') {
      const fault: PlannedFault = { kind, startMs: nowMs, stopMs: nowMs, value };
      faults.push(fault);
      open.set(kind, fault);
    } else {
      open.get(kind)!.stopMs = nowMs;
      open.delete(kind);
    }
  };
  scheduleNemesis(scheduler, schedule, times, { control, view: () => ({ nodes, leader: null }), onEvent }, () => schedule.healAll(control));
  scheduler.run(times.warmUpMs + times.faultsMs);
  return faults;
}

/** What every worker asks for first, in the order the workers first ask (worker 0 first, all at time 0). */
function planFirstOperations(config: RunConfig): PlannedOperation[] {
  const { generator } = planRunWorkload(config);
  const workersSeed = runStreams(config.seed).workersSeed;
  const operations: PlannedOperation[] = [];
  for (let worker = 0; worker < config.concurrency; worker++) {
    const step = generator.next({ random: workerStream(new SeededRandom(workersSeed), worker), worker, process: worker, nowMs: 0 });
    if (typeof step === 'object' && 'request' in step) operations.push({ worker, request: step.request, delayMs: step.delayMs });
  }
  return operations;
}

function inertFaultControl(nodes: readonly string[]): FaultControl {
  const nothing = (): void => {};
  const abilities = new Set<FaultAbility>(['partition', 'kill', 'pause', 'clock']);
  return { abilities, nodes, partition: nothing, cutLink: nothing, heal: nothing, kill: nothing, restart: nothing, pause: nothing, resume: nothing, skewClock: nothing, resetClock: nothing };
}
