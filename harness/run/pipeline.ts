/**
 * The one run pipeline, for every runtime: the seed streams, the nemesis
 * schedule started after warm-up and healed at the time limit, the workers
 * with the history's sink and size cap, role sampling, and the wait until the
 * workers are done. A runtime's adapter supplies only its clock and cluster
 * (a RunTarget): the simulator advances virtual time in slices, a real
 * runtime waits on the wall clock. So one seed and config give one op and
 * fault schedule everywhere, and on the simulator one history byte for byte.
 */
import type { RoleSample } from '../../checkers/checker.js';
import type { HistoryEvent } from '../../common/history/types.js';
import type { FaultKind, FaultSchedule } from '../../nemesis/index.js';
import type { ScheduledFaultData } from '../../common/run-config.js';
import type { WorkloadClient } from '../../workloads/index.js';
import { startWorkers, type WorkerRun } from './workers.js';
import type { PhaseName } from '../generators/workload.js';
import type { FaultControl, RunStop, Scheduler } from '../runtimes/index.js';
import type { RunConfig } from './config.js';
import { FINAL_STATES_FILE } from './check-run.js';
import { OpenOperations } from './crashes.js';
import { IGNORE_PHASES, type PhaseListener } from './phases.js';
import { createRunSchedule, planRunWorkload, runTimes, scheduleNemesis } from './plan.js';
import type { RunDirectory } from './run-store.js';
import { runStreams } from './streams.js';

/** Bound on one run's history, so a fast workload cannot outgrow the checkers. */
export const MAX_HISTORY_EVENTS = 2_000_000;

/** Called between slices of the run; returning false stops the run (Ctrl-C). */
export type Progress = (nowMs: number, events: number, faults: readonly string[]) => boolean | void;

export type { RunStop };

/** What a runtime's adapter gives the pipeline: its clock, its cluster, and how to let time pass. */
export interface RunTarget {
  /** The run's clock: 0 when the workload begins. */
  scheduler: Scheduler;
  control: FaultControl;
  nodes: readonly string[];
  leader(): string | null;
  /** The clients' seed comes from the run's streams, for runtimes whose clients draw numbers. */
  openClient(clientsSeed: number): () => WorkloadClient;
  /** Each node's role now; the pipeline stores them in roles.jsonl. */
  sampleRoles(timeNs: () => number): RoleSample[] | Promise<RoleSample[]>;
  roleSampleIntervalMs: number;
  /** Time after the phases for the last operations to end. */
  drainSlackMs: number;
  /** Lets about sliceMs of the run pass; returns why the run must stop, if it must. */
  advance(sliceMs: number): Promise<RunStop | undefined>;
  /** Words after "interrupted at 3.0 s", e.g. " of simulated time". */
  timeWords: string;
  /** Heals what the runtime holds beyond the schedule's own faults, at the time limit. */
  healRest?(): void;
}

export interface PipelineOutcome {
  schedule: FaultSchedule;
  /** The faults applied so far, as a schedule given as data would list them (nodes resolved). */
  faultsApplied(): ScheduledFaultData[];
  workers: WorkerRun;
  events(): number;
  /** Records an event the adapter adds (info completions after a crash). */
  record(event: Omit<HistoryEvent, 'index'>): void;
  inFlight: OpenOperations;
  keysUsed(): string[];
  stop?: RunStop;
  interrupted: boolean;
  /** The workers had not finished by the deadline (the phases plus the drain slack). */
  timedOut: boolean;
  deadlineMs: number;
  nowNs(): number;
}

const SLICE_MS = 1000;

export async function runPipeline(config: RunConfig, directory: RunDirectory, target: RunTarget, progress: Progress, phases: PhaseListener = IGNORE_PHASES): Promise<PipelineOutcome> {
  const { scheduler, control } = target;
  const streams = runStreams(config.seed);
  const times = runTimes(config);
  const nowNs = (): number => Math.round(scheduler.nowMs() * 1_000_000);
  let events = 0;
  let invoking = true;
  const inFlight = new OpenOperations();
  const record = (event: Omit<HistoryEvent, 'index'>): void => {
    inFlight.observe(event);
    directory.appendEvent({ ...event, index: events++ } as HistoryEvent);
  };
  const schedule = createRunSchedule(config, target.nodes, control.abilities);
  const applied = new AppliedFaults(times.warmUpMs + times.faultsMs);
  const onEvent = (event: { f: string; value: unknown; plannedDurationMs?: number }): void => {
    applied.observe(event, scheduler.nowMs());
    record({ time: nowNs(), process: 'nemesis', type: 'info', f: event.f, value: event.value });
  };
  const context = { control, view: () => ({ nodes: target.nodes, leader: target.leader() }), onEvent };
  scheduleNemesis(scheduler, schedule, times, context, () => {
    phases({ phase: 'heal', atMs: scheduler.nowMs() });
    schedule.healAll(control);
    target.healRest?.();
  });
  const { plan, generator } = planRunWorkload(config, phases === IGNORE_PHASES ? undefined : announcePhases(config, phases));
  const openClient = target.openClient(streams.clientsSeed);
  const workers = startWorkers({
    generator,
    concurrency: config.concurrency,
    scheduler,
    seed: streams.workersSeed,
    openClient: () => openClient(),
    onEvent: record,
    mayInvoke: () => invoking && events + 2 <= MAX_HISTORY_EVENTS,
  });
  sampleRoles(target, directory, nowNs);
  const deadlineMs = times.warmUpMs + times.faultsMs + times.recoveryMs + target.drainSlackMs;
  const outcome: PipelineOutcome = { schedule, faultsApplied: () => applied.list(), workers, events: () => events, record, inFlight, keysUsed: () => plan.keysUsed(), interrupted: false, timedOut: false, deadlineMs, nowNs };
  for (;;) {
    if (workers.finished()) break;
    if (scheduler.nowMs() >= deadlineMs) {
      outcome.timedOut = true;
      break;
    }
    const stop = await target.advance(Math.min(SLICE_MS, deadlineMs - scheduler.nowMs()));
    if (stop !== undefined) {
      outcome.stop = stop;
      break;
    }
    if (progress(scheduler.nowMs(), events, schedule.activeFaults()) === false) {
      outcome.interrupted = true;
      outcome.stop = { incomplete: `interrupted at ${(scheduler.nowMs() / 1000).toFixed(1)} s${target.timeWords}` };
      break;
    }
  }
  // From here on the adapter heals and reads final states: no new operations.
  invoking = false;
  return outcome;
}

/** The workers' generator says when each phase begins (recovery and final reads wait for the ops before them). */
function announcePhases(config: RunConfig, phases: PhaseListener): (phase: PhaseName, nowMs: number) => void {
  const details: Record<PhaseName, string | undefined> = {
    'warm-up': `${config.warmupSeconds} s`,
    faults: `${config.timeLimitSeconds} s, nemesis ${config.nemesis}`,
    recovery: `${config.recoverySeconds} s`,
    final: undefined,
  };
  return (phase, nowMs) => {
    const detail = details[phase];
    phases({ phase: phase === 'final' ? 'final reads' : phase, atMs: nowMs, ...(detail === undefined ? {} : { detail }) });
  };
}

/** Samples every roleSampleIntervalMs; a runtime that answers later (over the network) is sampled again once it has. */
function sampleRoles(target: RunTarget, directory: RunDirectory, nowNs: () => number): void {
  const store = (samples: RoleSample[]): void => {
    for (const sample of samples) directory.roles.append(JSON.stringify(sample));
  };
  const again = (): void => target.scheduler.after(target.roleSampleIntervalMs, 'roles', sample);
  const sample = (): void => {
    const samples = target.sampleRoles(nowNs);
    if (!(samples instanceof Promise)) {
      store(samples);
      again();
      return;
    }
    samples.then((answered) => {
      store(answered);
      again();
    }, again);
  };
  sample();
}

/** The registers each replica holds after heal, for the register workload's convergence check; a system answers now or later. */
export async function storeFinalStates(config: RunConfig, directory: RunDirectory, states: () => Record<string, Record<string, unknown>> | Promise<Record<string, Record<string, unknown>>>): Promise<void> {
  if (config.workload !== 'register') return;
  directory.writeJson(FINAL_STATES_FILE, await states());
}

/** Nemesis starts and stops, paired into the entries of a schedule given as data, so a run's faults can be run again exactly. */
class AppliedFaults {
  private readonly faults: ScheduledFaultData[] = [];

  /** untilMs: the end of the faults phase, where the heal stops whatever is still on. */
  constructor(private readonly untilMs: number) {}
  private readonly open = new Map<string, { fault: ScheduledFaultData; startMs: number }>();

  observe(event: { f: string; value: unknown; plannedDurationMs?: number }, nowMs: number): void {
    const { f, value } = event;
    const [phase, kind] = [f.slice(0, f.indexOf('-')), f.slice(f.indexOf('-') + 1) as FaultKind];
    if (phase === 'start') {
      // A fault the run never stopped (it froze, or was cut short) keeps the duration its schedule meant.
      const fault: ScheduledFaultData = { atMs: Math.round(nowMs), kind, durationMs: Math.max(1, Math.min(Math.round(event.plannedDurationMs ?? 1), Math.floor(this.untilMs - nowMs))), value: value as Record<string, unknown> };
      this.faults.push(fault);
      this.open.set(kind, { fault, startMs: nowMs });
      return;
    }
    const started = this.open.get(kind);
    if (started === undefined) return;
    started.fault.durationMs = Math.max(1, Math.round(nowMs - started.startMs));
    this.open.delete(kind);
  }

  list(): ScheduledFaultData[] {
    return this.faults.map((fault) => ({ ...fault }));
  }
}
