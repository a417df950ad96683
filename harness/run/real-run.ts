/**
 * One run on a real runtime (Docker containers or network namespaces), end
 * to end: boot the nodes, start the coordinator's processes, wait until the
 * cluster is healthy, hand the run pipeline the wall clock (the same workers
 * and nemesis schedule as on the simulator), heal, read final states, copy
 * the logs, and tear everything down in reverse order whatever happened.
 */
import { rmSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { FaultlineError } from '../../common/errors.js';
import { coordinatorWorkloadClient } from '../../clusters/coordinator/workload-client.js';
import { RealCoordinator } from '../../clusters/coordinator/real-system.js';
import { bootRuntime, createWorkDirectory, type RealCluster } from '../runtimes/real/index.js';
import { pollUntil } from '../runtimes/real/host-commands.js';
import { UndoStack } from '../runtimes/real/undo-stack.js';
import type { RunConfig } from './config.js';
import { FILES, type RunDirectory } from './run-store.js';
import { RealScheduler } from '../runtimes/real/scheduler.js';
import { CrashWatch } from './crash-watch.js';
import { writeCrashes } from './crashes.js';
import { runPipeline, storeFinalStates, type Progress, type RunTarget } from './pipeline.js';
import { IGNORE_PHASES, type PhaseListener } from './phases.js';

const HEALTHY_TIMEOUT_MS = 20_000;
/** Each sample asks every node over the network: four a second is enough to see roles change. */
const ROLE_SAMPLE_INTERVAL_MS = 250;
/** Time after the phases for the last operations (each bounded by its own timeout) to end. */
const DRAIN_SLACK_MS = 15_000;
const CONVERGENCE_TIMEOUT_MS = 10_000;
/** How long the wall clock runs between looks at the workers, faults and crashes. */
const WAIT_SLICE_MS = 250;
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
  const offsetMs = scheduler.nowMs();
  const runClock = { nowMs: () => scheduler.nowMs() - offsetMs, after: scheduler.after.bind(scheduler) };
  const timeNs = (): number => Math.round(runClock.nowMs() * 1_000_000);
  // Every fault goes through the watch, so a node the nemesis did not kill and that is gone counts as crashed.
  const watch = new CrashWatch(cluster, cluster.faultControl(coordinator.clockControl()), timeNs);
  const control = watch.control;
  const target: RunTarget = {
    scheduler: runClock,
    control,
    nodes: coordinator.nodes,
    leader: () => coordinator.leader(),
    openClient: (clientsSeed) => {
      const clients = coordinator.clientFactory(clientsSeed);
      return () => coordinatorWorkloadClient({ ...clients, readMode: config.readMode });
    },
    sampleRoles: (nowNs) => coordinator.sampleRoles(nowNs),
    roleSampleIntervalMs: ROLE_SAMPLE_INTERVAL_MS,
    drainSlackMs: DRAIN_SLACK_MS,
    timeWords: '',
    advance: async () => {
      const failure = control.failure();
      if (failure !== undefined) return { incomplete: `infrastructure: ${failure.message}` };
      await delay(WAIT_SLICE_MS);
      await watch.check();
      return undefined;
    },
  };
  const run = await runPipeline(config, directory, target, parts.progress, parts.phases);
  report.events = run.events();
  report.incomplete = run.stop?.incomplete;
  if (run.timedOut) report.incomplete = `the workers had not finished ${(run.deadlineMs / 1000).toFixed(0)} s after the run started`;
  // Operations in flight end within their own timeouts.
  await pollUntil(() => run.workers.finished(), 5000, 100);
  run.schedule.healAll(control);
  await control.settled();
  if (report.incomplete === undefined && control.failure() !== undefined) report.incomplete = `infrastructure: ${control.failure()!.message}`;
  await watch.check();
  await awaitConvergence(config, coordinator, watch.crashedNodes());
  await storeFinalStates(config, directory, () => coordinator.finalRegisters(run.keysUsed()));
  report.events = run.events();
  await watch.check();
  writeCrashes(directory, watch.crashes);
  const failure = control.failure();
  if (failure !== undefined) throw failure instanceof FaultlineError ? failure : new FaultlineError('E_INFRASTRUCTURE', failure.message);
}

/** After heal, waits for the replicas (but those that crashed) to apply the same entries. */
async function awaitConvergence(config: RunConfig, coordinator: RealCoordinator, crashed: ReadonlySet<string>): Promise<void> {
  await pollUntil(async () => {
    const statuses = [...(await coordinator.statuses()).values()].filter((status) => !crashed.has(status.node));
    return statuses.length === config.nodes - crashed.size && new Set(statuses.map((status) => status.digest)).size === 1;
  }, CONVERGENCE_TIMEOUT_MS, 100);
}

/** Host paths the node process needs inside a container, mounted read-only at the same path. */
function mountsFor(nodeExecutable: string): string[] {
  const mounts = [PROJECT_ROOT];
  const prefix = dirname(dirname(nodeExecutable));
  if (!prefix.startsWith('/usr')) mounts.push(prefix);
  return mounts;
}
