/**
 * One run on any runtime and system, end to end: boot the runtime's
 * cluster, set the system up on it, hand the run pipeline the cluster's
 * clock and the system's clients, then heal, let replicas converge, store
 * final states, crashes, logs and the trace, and tear everything down in
 * reverse order whatever happened. Names no runtime and no system: both come
 * from their registries by the config's names.
 */
import { performance } from 'node:perf_hooks';
import { FaultlineError } from '../../common/errors.js';
import { systemNamed, type Deployment } from '../../clusters/index.js';
import { parseNemesisSpec } from '../../nemesis/spec.js';
import { runtimeNamed, type Cluster, type RunStop, type VerifiedFaultControl } from '../runtimes/index.js';
import { UndoStack } from '../runtimes/real/undo-stack.js';
import type { RunConfig } from './config.js';
import { FINAL_EPHEMERALS_FILE } from './check-run.js';
import { writeCrashes } from './crashes.js';
import { IGNORE_PHASES, type PhaseListener } from './phases.js';
import { runPipeline, storeFinalStates, type PipelineOutcome, type Progress, type RunTarget } from './pipeline.js';
import { FILES, type RunDirectory } from './run-store.js';

/** How long operations still in flight after the run get to end (each has its own timeout). */
const IN_FLIGHT_WAIT_MS = 5000;

export interface ClusterRunReport {
  /** The simulator's trace hash, which replay compares; absent on real runtimes. */
  traceHash?: string;
  /** The run's own time: simulated milliseconds, or wall-clock milliseconds from the command. */
  durationMs: number;
  simulated: boolean;
  events: number;
  /** Time from the command to a healthy cluster (real runtimes). */
  healthyMs?: number;
  invariantViolation?: string;
  /** Why the run ended before its phases did (a bound, a crash on the simulator, Ctrl-C, a fault that did not take effect). */
  incomplete?: string;
  /** A boot or fault failure: the run's exit code is then 4. */
  infrastructureError?: FaultlineError;
}

export async function runOnCluster(config: RunConfig, directory: RunDirectory, progress: Progress, phases: PhaseListener = IGNORE_PHASES): Promise<ClusterRunReport> {
  const runtime = runtimeNamed(config.runtime);
  const system = systemNamed(config.system);
  const startedMs = performance.now();
  const teardown = new UndoStack();
  const report: ClusterRunReport = { durationMs: 0, simulated: false, events: 0 };
  let cluster: Cluster | undefined;
  try {
    // Teardown is registered before each setup step, so a step that fails halfway is undone too.
    teardown.push('cluster', async () => cluster?.teardown());
    teardown.push('node logs', async () => cluster?.collectLogs((node, fileName, lines) => directory.writeNodeLog(node, fileName, lines)));
    phases({ phase: 'booting', detail: `${config.nodes} nodes` });
    cluster = await runtime.boot({
      runId: `${config.seed}-${process.pid}`,
      nodes: Array.from({ length: config.nodes }, (_, index) => `n${index + 1}`),
      seed: config.seed,
      runSeconds: config.warmupSeconds + config.timeLimitSeconds + config.recoverySeconds,
      ...(config.image === undefined ? {} : { image: config.image }),
      ...runtime.bootOptions?.(config),
    });
    report.simulated = cluster.hosts.kind === 'simulated';
    // A simulated run takes seconds: its phases are not worth a line each.
    const listener = report.simulated ? IGNORE_PHASES : phases;
    let deployment: Deployment | undefined;
    teardown.push('system', async () => deployment?.close());
    deployment = await system.setup(cluster, {
      seed: config.seed,
      bugs: config.bugs,
      readMode: config.readMode,
      nodeExecutable: process.execPath,
      harnessVersion: config.version,
      clockFaults: parseNemesisSpec(config.nemesis).includes('clock'),
      ...(config.install === undefined ? {} : { install: config.install }),
      ...(config.sessionTimeoutMs === undefined ? {} : { sessionTimeoutMs: config.sessionTimeoutMs }),
    });
    await recordSetup(config, directory, cluster, deployment, report, startedMs, listener);
    await runAndFinish(config, directory, cluster, deployment, report, progress, listener);
  } catch (error) {
    if (!(error instanceof FaultlineError) || error.code !== 'E_INFRASTRUCTURE') throw error;
    report.infrastructureError = error;
    report.incomplete ??= `infrastructure: ${error.message}`;
  } finally {
    if (!report.simulated) report.durationMs = performance.now() - startedMs;
    const failures = await teardown.unwind();
    if (failures.length > 0) directory.writeNodeLog('harness', 'teardown.log', failures);
    const trace = cluster?.trace() ?? {};
    if (typeof trace.traceHash === 'string') report.traceHash = trace.traceHash;
    directory.writeJson(FILES.trace, { runtime: config.runtime, ...trace, healthyMs: report.healthyMs ?? null, elapsedMs: report.durationMs, events: report.events });
  }
  return report;
}

/** The versions that ran go into config.json; how the cluster came up into the harness's boot.log. */
async function recordSetup(config: RunConfig, directory: RunDirectory, cluster: Cluster, deployment: Deployment, report: ClusterRunReport, startedMs: number, phases: PhaseListener): Promise<void> {
  config.versions = await deployment.versions();
  directory.writeJson(FILES.config, config);
  if (deployment.health === undefined) return;
  report.healthyMs = performance.now() - startedMs;
  const { leader, epoch } = deployment.health;
  directory.writeNodeLog('harness', 'boot.log', [`healthy after ${report.healthyMs.toFixed(0)} ms on ${cluster.runtime}: leader ${leader}, epoch ${epoch}`]);
  phases({ phase: 'healthy', detail: `leader ${leader} after ${(report.healthyMs / 1000).toFixed(1)} s` });
}

async function runAndFinish(config: RunConfig, directory: RunDirectory, cluster: Cluster, deployment: Deployment, report: ClusterRunReport, progress: Progress, phases: PhaseListener): Promise<void> {
  // The run's clock starts with the workload: 0 on the simulator, the boot time later on a real runtime.
  const offsetMs = cluster.scheduler.nowMs();
  const scheduler = { nowMs: () => cluster.scheduler.nowMs() - offsetMs, after: cluster.scheduler.after.bind(cluster.scheduler) };
  const timeNs = (): number => Math.round(scheduler.nowMs() * 1_000_000);
  const control = cluster.faultControl(deployment.clockControl?.(), timeNs);
  const target: RunTarget = {
    scheduler,
    control,
    nodes: cluster.nodes.map((node) => node.name),
    leader: () => deployment.leader(),
    openClient: (clientsSeed) => deployment.openClients(clientsSeed),
    sampleRoles: (nowNs) => deployment.sampleRoles(nowNs),
    roleSampleIntervalMs: cluster.roleSampleIntervalMs,
    drainSlackMs: cluster.drainSlackMs,
    timeWords: cluster.timeWords,
    advance: (sliceMs) => cluster.advance(sliceMs),
    ...(cluster.healRest === undefined ? {} : { healRest: () => cluster.healRest?.() }),
  };
  const run = await runPipeline(config, directory, target, progress, phases);
  report.incomplete = run.stop?.incomplete;
  if (run.stop?.invariantViolation !== undefined) report.invariantViolation = run.stop.invariantViolation;
  if (run.timedOut) report.incomplete = `the workers had not finished ${(run.deadlineMs / 1000).toFixed(0)} s after the run started`;
  // A frozen simulation cannot heal or answer reads: what is stored so far stands.
  let frozen = run.stop?.frozen === true;
  if (!frozen) frozen = (await healAndRead(config, directory, { cluster, deployment, control }, run, report)) === 'frozen';
  // Operations in flight when a node's crash froze the run may or may not have happened.
  if (frozen && cluster.crashes().length > 0) {
    for (const event of run.inFlight.infoCompletions(run.nowNs(), 'the run stopped: a node crashed')) run.record(event);
  }
  report.events = run.events();
  // The faults as applied, ready to run again exactly as a schedule (or a smaller part of it, as shrink does).
  directory.writeJson(FILES.config, { ...config, faultSchedule: run.faultsApplied() });
  if (report.simulated) report.durationMs = cluster.scheduler.nowMs();
  writeCrashes(directory, cluster.crashes());
  const failure = control.failure();
  if (failure !== undefined) throw failure instanceof FaultlineError ? failure : new FaultlineError('E_INFRASTRUCTURE', failure.message);
}

interface RunParts {
  cluster: Cluster;
  deployment: Deployment;
  control: VerifiedFaultControl;
}

/** Heals everything, waits for the replicas to agree, and stores their final states; 'frozen' when the cluster stopped on the way. */
async function healAndRead(config: RunConfig, directory: RunDirectory, parts: RunParts, run: PipelineOutcome, report: ClusterRunReport): Promise<'frozen' | undefined> {
  const { cluster, deployment, control } = parts;
  const stopped = (stop: RunStop | undefined): boolean => {
    if (stop === undefined) return false;
    if (stop.invariantViolation !== undefined) report.invariantViolation ??= stop.invariantViolation;
    if (stop.incomplete !== undefined) report.incomplete ??= stop.incomplete;
    return true;
  };
  if (!run.workers.finished() && stopped((await cluster.waitUntil(() => run.workers.finished(), IN_FLIGHT_WAIT_MS)).stop)) return 'frozen';
  run.schedule.healAll(control);
  cluster.healRest?.();
  await control.settled();
  if (report.incomplete === undefined && control.failure() !== undefined) report.incomplete = `infrastructure: ${control.failure()!.message}`;
  const crashed = new Set(cluster.crashes().map((crash) => crash.node));
  if (stopped((await cluster.waitUntil(() => deployment.converged(crashed), cluster.convergenceTimeoutMs)).stop)) return 'frozen';
  await storeFinalStates(config, directory, () => deployment.finalRegisters(run.keysUsed()));
  if (deployment.finalEphemerals !== undefined) directory.writeJson(FINAL_EPHEMERALS_FILE, deployment.finalEphemerals());
  return undefined;
}
