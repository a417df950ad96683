/**
 * One run on a real runtime (Docker containers or network namespaces), end
 * to end: boot the nodes, start the coordinator's processes, wait until the
 * cluster is healthy, run the same workers and nemesis schedule as on the
 * simulator but on the wall clock, heal, recover, read final states, copy the
 * logs, and tear everything down in reverse order whatever happened.
 */
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { HistoryEvent } from '../../common/history/types.js';
import { FaultlineError } from '../../common/errors.js';
import { SeededRandom } from '../../common/random.js';
import { createSchedule } from '../../nemesis/spec.js';
import { planWorkload, runPhases, type PhaseName } from '../generators/workload.js';
import { startWorkers, type WorkerRun } from '../../workloads/driver.js';
import { workloadNamed } from '../../workloads/registry.js';
import { coordinatorWorkloadClient } from '../../clusters/coordinator/workload-client.js';
import { RealCoordinator } from '../../clusters/coordinator/real-system.js';
import { bootRuntime, createWorkDirectory, type RealCluster, type RealFaultControl } from '../runtimes/real/index.js';
import { pollUntil } from '../runtimes/real/host-commands.js';
import { UndoStack } from '../runtimes/real/undo-stack.js';
import type { RunConfig } from './config.js';
import { FILES, type RunDirectory } from './run-store.js';
import { FINAL_STATES_FILE } from './check-run.js';
import { RealScheduler } from './real-scheduler.js';
import { CrashWatch } from './crash-watch.js';
import { writeCrashes } from './crashes.js';
import { MAX_HISTORY_EVENTS, type Progress } from './sim-run.js';
import { IGNORE_PHASES, type PhaseListener } from './phases.js';

/** Real elections take a few hundred milliseconds, as in the simulator; faults a little longer so each is seen. */
const REAL_FAULT_TIMING = { faultMs: { min: 2000, max: 6000 }, quietMs: { min: 1000, max: 3000 } };
const HEALTHY_TIMEOUT_MS = 20_000;
const ROLE_SAMPLE_INTERVAL_MS = 250;
/** Time after the phases for the last operations (each bounded by its own timeout) to end. */
const DRAIN_SLACK_MS = 15_000;
const CONVERGENCE_TIMEOUT_MS = 10_000;
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

export interface RealRunReport {
  /** Why the run ended before its phases did (Ctrl-C, a fault that did not take effect). */
  incomplete?: string;
  /** A boot or fault failure: the run's exit code is then 4. */
  infrastructureError?: FaultlineError;
  /** Time from the command to a healthy cluster. */
  healthyMs?: number;
  elapsedMs: number;
  events: number;
}

export async function runOnRealRuntime(config: RunConfig, directory: RunDirectory, progress: Progress, phases: PhaseListener = IGNORE_PHASES): Promise<RealRunReport> {
  const runtime = config.runtime;
  if (runtime !== 'docker' && runtime !== 'local') throw new Error(`runOnRealRuntime on ${runtime}`);
  const teardown = new UndoStack();
  const scheduler = new RealScheduler();
  const report: RealRunReport = { elapsedMs: 0, events: 0 };
  try {
    const workDirectory = createWorkDirectory();
    teardown.push('work directory', async () => rmSync(workDirectory, { recursive: true, force: true }));
    let cluster: RealCluster | undefined;
    teardown.push('cluster', async () => cluster?.teardown());
    teardown.push('node logs', async () => cluster?.collectLogs((node, fileName, text) => directory.writeNodeLog(node, fileName, text === '' ? [] : text.replace(/\n$/, '').split('\n'))));
    phases({ phase: 'booting', detail: `${config.nodes} nodes` });
    cluster = await bootRuntime(runtime, {
      runId: `${config.seed}-${process.pid}`,
      nodes: Array.from({ length: config.nodes }, (_, index) => `n${index + 1}`),
      workDirectory,
      // The docker runtime builds the default image when it is missing, named or not.
      ...(config.image === undefined ? {} : { image: config.image }),
      mounts: mountsFor(process.execPath),
    });
    const coordinator = new RealCoordinator(cluster, {
      engine: config.system === 'coordinator-zab' ? 'zab' : 'raft',
      bugs: config.bugs,
      seed: config.seed,
      nodeExecutable: process.execPath,
    });
    teardown.push('clients', async () => coordinator.close());
    teardown.push('timers', async () => scheduler.stop());
    await coordinator.start();
    const health = await coordinator.awaitHealthy(HEALTHY_TIMEOUT_MS, () => scheduler.nowMs());
    report.healthyMs = scheduler.nowMs();
    directory.writeNodeLog('harness', 'boot.log', [`healthy after ${report.healthyMs.toFixed(0)} ms: leader ${health.leader}, epoch ${health.epoch}`]);
    phases({ phase: 'healthy', detail: `leader ${health.leader} after ${(report.healthyMs / 1000).toFixed(1)} s` });
    await runPhasesOnCluster(config, directory, { cluster, coordinator, scheduler, progress, phases, report });
  } catch (error) {
    if (!(error instanceof FaultlineError) || error.code !== 'E_INFRASTRUCTURE') throw error;
    report.infrastructureError = error;
    report.incomplete ??= `infrastructure: ${error.message}`;
  } finally {
    report.elapsedMs = scheduler.nowMs();
    const failures = await teardown.unwind();
    if (failures.length > 0) directory.writeNodeLog('harness', 'teardown.log', failures);
  }
  directory.writeJson(FILES.trace, { runtime, healthyMs: report.healthyMs ?? null, elapsedMs: report.elapsedMs, events: report.events });
  return report;
}

interface RunParts {
  cluster: RealCluster;
  coordinator: RealCoordinator;
  scheduler: RealScheduler;
  progress: Progress;
  phases: PhaseListener;
  report: RealRunReport;
}

async function runPhasesOnCluster(config: RunConfig, directory: RunDirectory, parts: RunParts): Promise<void> {
  const { cluster, coordinator, scheduler, report } = parts;
  const root = new SeededRandom(config.seed);
  const offsetMs = scheduler.nowMs();
  const runClock = { nowMs: () => scheduler.nowMs() - offsetMs, after: scheduler.after.bind(scheduler) };
  const timeNs = (): number => Math.round(runClock.nowMs() * 1_000_000);
  // Every fault goes through the watch, so a node the nemesis did not kill and that is gone counts as crashed.
  const watch = new CrashWatch(cluster, cluster.faultControl(coordinator.clockControl()), timeNs);
  const control = watch.control;
  const schedule = createSchedule(
    { nemesis: config.nemesis, nodes: coordinator.nodes, timing: { ...REAL_FAULT_TIMING, maxActiveFaults: config.maxActiveFaults } },
    root.fork('nemesis'),
    control.abilities,
    config.runtime,
  );
  let stopInvoking = false;
  const sink = (event: Omit<HistoryEvent, 'index'>): void => {
    directory.appendEvent({ ...event, index: report.events++ } as HistoryEvent);
  };
  const warmUpMs = config.warmupSeconds * 1000;
  const faultsMs = config.timeLimitSeconds * 1000;
  const recoveryMs = config.recoverySeconds * 1000;
  runClock.after(warmUpMs, 'nemesis', () =>
    schedule.start({
      scheduler: runClock,
      control,
      view: () => ({ nodes: coordinator.nodes, leader: coordinator.leader() }),
      onEvent: (event) => sink({ time: timeNs(), process: 'nemesis', type: 'info', f: event.f, value: event.value }),
    }),
  );
  runClock.after(warmUpMs + faultsMs, 'nemesis', () => {
    parts.phases({ phase: 'heal', atMs: runClock.nowMs() });
    schedule.healAll(control);
  });
  const workload = workloadNamed(config.workload);
  const plan = planWorkload(workload, { concurrency: config.concurrency, rate: config.rate });
  const clients = coordinator.clientFactory(root.fork('clients').nextUint32());
  const run = startWorkers({
    generator: runPhases(plan, { warmUpMs, faultsMs, recoveryMs, onPhase: announcePhases(config, parts.phases) }),
    concurrency: config.concurrency,
    scheduler: runClock,
    seed: root.fork('workers').nextUint32(),
    openClient: () => coordinatorWorkloadClient({ ...clients, readMode: config.readMode }),
    onEvent: (event) => sink({ ...event, time: timeNs() }),
    mayInvoke: () => !stopInvoking && report.events + 2 <= MAX_HISTORY_EVENTS,
  });
  sampleRoles(coordinator, runClock, directory, timeNs);
  const deadlineMs = warmUpMs + faultsMs + recoveryMs + DRAIN_SLACK_MS;
  report.incomplete = await waitForRun(run, control, runClock, deadlineMs, { progress: parts.progress, watch }, () => report.events, () => schedule.activeFaults());
  stopInvoking = true;
  await pollUntil(() => run.finished(), 5000, 100);
  schedule.healAll(control);
  await control.settled();
  if (report.incomplete === undefined && control.failure() !== undefined) report.incomplete = `infrastructure: ${control.failure()!.message}`;
  await watch.check();
  await storeFinalStates(config, coordinator, directory, plan.keysUsed(), watch.crashedNodes());
  await watch.check();
  writeCrashes(directory, watch.crashes);
  const failure = control.failure();
  if (failure !== undefined) throw failure instanceof FaultlineError ? failure : new FaultlineError('E_INFRASTRUCTURE', failure.message);
}

/** Waits for the workers to finish; returns why the run stopped early, if it did. */
async function waitForRun(
  run: WorkerRun,
  control: RealFaultControl,
  clock: { nowMs(): number },
  deadlineMs: number,
  { progress, watch }: { progress: Progress; watch: CrashWatch },
  events: () => number,
  faults: () => readonly string[],
): Promise<string | undefined> {
  // The workers hand each event to the run's sink, not to run.events: count what the sink stored.
  while (!run.finished()) {
    if (clock.nowMs() > deadlineMs) return `the workers had not finished ${(deadlineMs / 1000).toFixed(0)} s after the run started`;
    const failure = control.failure();
    if (failure !== undefined) return `infrastructure: ${failure.message}`;
    await delay(250);
    await watch.check();
    if (progress(clock.nowMs(), events(), faults()) === false) return `interrupted at ${(clock.nowMs() / 1000).toFixed(1)} s`;
  }
  return undefined;
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

function sampleRoles(coordinator: RealCoordinator, clock: { after(delayMs: number, label: string, fn: () => void): void }, directory: RunDirectory, timeNs: () => number): void {
  const sample = (): void => {
    coordinator.sampleRoles(timeNs).then(
      (samples) => {
        for (const role of samples) directory.roles.append(JSON.stringify(role));
        clock.after(ROLE_SAMPLE_INTERVAL_MS, 'roles', sample);
      },
      () => clock.after(ROLE_SAMPLE_INTERVAL_MS, 'roles', sample),
    );
  };
  sample();
}

/** After heal, waits for the replicas (but those that crashed) to apply the same entries, then stores their registers. */
async function storeFinalStates(config: RunConfig, coordinator: RealCoordinator, directory: RunDirectory, keys: string[], crashed: ReadonlySet<string>): Promise<void> {
  await pollUntil(async () => {
    const statuses = [...(await coordinator.statuses()).values()].filter((status) => !crashed.has(status.node));
    return statuses.length === config.nodes - crashed.size && new Set(statuses.map((status) => status.digest)).size === 1;
  }, CONVERGENCE_TIMEOUT_MS, 100);
  if (config.workload === 'register') directory.writeJson(FINAL_STATES_FILE, await coordinator.finalRegisters(keys));
}

/** Host paths the node process needs inside a container, mounted read-only at the same path. */
function mountsFor(nodeExecutable: string): string[] {
  const mounts = [PROJECT_ROOT];
  const prefix = dirname(dirname(nodeExecutable));
  if (!prefix.startsWith('/usr')) mounts.push(prefix);
  return mounts;
}
