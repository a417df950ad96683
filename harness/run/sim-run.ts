/**
 * One run on the simulator, end to end: boot the coordinator cluster, start
 * the workers and the nemesis schedule, sample roles, heal at the time limit,
 * recover, do the final operations, dump final states and logs, then check.
 * Everything happens in virtual time from the run's one seed, so a replay of
 * the same config gives the same history byte for byte.
 */
import type { HistoryEvent } from '../../common/history/types.js';
import { createSchedule } from '../../nemesis/spec.js';
import { planWorkload, runPhases } from '../generators/workload.js';
import { startWorkers } from '../../workloads/driver.js';
import { workloadNamed } from '../../workloads/registry.js';
import { coordinatorWorkloadClient } from '../../clusters/coordinator/workload-client.js';
import type { CoordinatorClient } from '../../clusters/coordinator/client/client.js';
import type { Clock } from '../../clusters/coordinator/world.js';
import { readRegisters } from '../../clusters/coordinator/node.js';
import { CoordinatorCluster } from '../runtimes/sim/coordinator-cluster.js';
import { SimulationFaultControl } from '../runtimes/sim/fault-control.js';
import { InvariantViolation } from '../runtimes/sim/invariants.js';
import { SimulationLimitError } from '../runtimes/sim/limits.js';
import { NodeCrashError } from '../runtimes/sim/node-crash.js';
import type { Scheduler } from '../runtimes/index.js';
import type { RunConfig } from './config.js';
import { FILES, type RunDirectory } from './run-store.js';
import { FINAL_STATES_FILE } from './check-run.js';
import { lastLines, OpenOperations, writeCrashes, type NodeCrash } from './crashes.js';

/** Every this many virtual milliseconds each node's role goes into roles.jsonl. */
const ROLE_SAMPLE_INTERVAL_MS = 100;
/**
 * The simulated coordinator elects in a few hundred milliseconds, so faults
 * of one to five seconds with short quiet gaps exercise many elections in a
 * 30-second run.
 */
const SIMULATED_FAULT_TIMING = { faultMs: { min: 1000, max: 5000 }, quietMs: { min: 500, max: 3000 } };
/** Bound on one run's history, so a fast workload cannot outgrow the checkers. */
export const MAX_HISTORY_EVENTS = 2_000_000;
/** Virtual time allowed after the phases for the last operations to finish. */
const DRAIN_SLACK_MS = 60_000;
/**
 * A healthy 3-node run makes about a thousand simulator events per simulated
 * second; far more means a livelock (a timer re-arming itself at one
 * instant), which must end the run as unknown rather than spin for hours.
 */
const EVENTS_PER_SIMULATED_SECOND = 200_000;
const MIN_EVENT_LIMIT = 5_000_000;

function runSeconds(config: RunConfig): number {
  return config.warmupSeconds + config.timeLimitSeconds + config.recoverySeconds + DRAIN_SLACK_MS / 1000;
}

export interface SimRunReport {
  traceHash: string;
  /** A consensus invariant the simulator saw broken, which ended the run early. */
  invariantViolation?: string;
  /** Why the run ended before its phases did (a simulation bound reached, a node crashed). */
  incomplete?: string;
  /** A node that threw inside its own code; the run stopped there and records it in crashes.json. */
  crash?: NodeCrash;
  virtualMs: number;
  events: number;
}

/** Called between slices of simulated time; returning false stops the run (Ctrl-C). */
export type Progress = (nowMs: number, events: number, faults: readonly string[]) => boolean | void;

export async function runOnSimulator(config: RunConfig, directory: RunDirectory, progress: Progress): Promise<SimRunReport> {
  const cluster = new CoordinatorCluster({
    seed: config.seed,
    engine: config.system === 'coordinator-zab' ? 'zab' : 'raft',
    nodes: config.nodes,
    bugs: config.bugs,
    limits: { maxEvents: Math.max(MIN_EVENT_LIMIT, EVENTS_PER_SIMULATED_SECOND * runSeconds(config)) },
  });
  const simulation = cluster.simulation;
  const scheduler: Scheduler = { nowMs: () => simulation.now(), after: (delayMs, label, fn) => simulation.after(delayMs, label, fn) };
  const control = new SimulationFaultControl(simulation);
  let events = 0;
  const inFlight = new OpenOperations();
  const sink = (event: Omit<HistoryEvent, 'index'>): void => {
    inFlight.observe(event);
    directory.appendEvent({ ...event, index: events++ } as HistoryEvent);
  };
  const schedule = createSchedule({ nemesis: config.nemesis, nodes: cluster.members, timing: { ...SIMULATED_FAULT_TIMING, maxActiveFaults: config.maxActiveFaults } }, simulation.random('nemesis'), control.abilities, 'sim');
  const warmUpMs = config.warmupSeconds * 1000;
  const faultsMs = config.timeLimitSeconds * 1000;
  const recoveryMs = config.recoverySeconds * 1000;
  scheduler.after(warmUpMs, 'nemesis', () =>
    schedule.start({
      scheduler,
      control,
      view: () => ({ nodes: cluster.members, leader: cluster.leader() }),
      onEvent: (event) => sink({ time: nanoseconds(scheduler), process: 'nemesis', type: 'info', f: event.f, value: event.value }),
    }),
  );
  // Heal on the run's own clock: the faults phase may wait for slow operations to finish.
  scheduler.after(warmUpMs + faultsMs, 'nemesis', () => {
    schedule.healAll(control);
    cluster.healAll();
  });
  const workload = workloadNamed(config.workload);
  const plan = planWorkload(workload, { concurrency: config.concurrency, rate: config.rate });
  const generator = runPhases(plan, { warmUpMs, faultsMs, recoveryMs });
  let clientCount = 0;
  const run = startWorkers({
    generator,
    concurrency: config.concurrency,
    scheduler,
    seed: simulation.random('workers').nextUint32(),
    openClient: () => coordinatorWorkloadClient({ ...openSimulatedClient(cluster, () => `c${++clientCount}`), readMode: config.readMode }),
    onEvent: (event) => sink(event),
    mayInvoke: () => events + 2 <= MAX_HISTORY_EVENTS,
  });
  sampleRoles(cluster, scheduler, directory);
  const deadlineMs = warmUpMs + faultsMs + recoveryMs + DRAIN_SLACK_MS;
  const ending = await simulateUntilDone(simulation, run, deadlineMs, () => progress(simulation.now(), events, schedule.activeFaults()));
  // An interrupted run still heals and stores what it has; one past a simulation bound, or stopped by a crash, cannot run on.
  if (ending.incomplete === undefined || ending.interrupted) ending.crash = finish(cluster, directory, plan.keysUsed(), config.workload);
  const crash = ending.crash === undefined ? undefined : recordCrash(cluster, directory, ending.crash);
  // What was in flight when a node crashed may or may not have happened.
  if (ending.crash !== undefined) for (const event of inFlight.infoCompletions(nanoseconds(scheduler), 'the run stopped: a node crashed')) sink(event);
  storeTrace(cluster, directory);
  return {
    traceHash: simulation.traceHash(),
    virtualMs: simulation.now(),
    events,
    ...(ending.invariantViolation === undefined ? {} : { invariantViolation: ending.invariantViolation }),
    ...(ending.incomplete === undefined ? {} : { incomplete: ending.incomplete }),
    ...(crash === undefined ? {} : { crash }),
  };
}

interface SimulationEnding {
  invariantViolation?: string;
  incomplete?: string;
  crash?: NodeCrashError | undefined;
  interrupted: boolean;
}

function recordCrash(cluster: CoordinatorCluster, directory: RunDirectory, error: NodeCrashError): NodeCrash {
  const crash: NodeCrash = {
    node: error.node,
    time: Math.round(error.virtualMs * 1_000_000),
    message: error.reason,
    ...(error.nodeStack === undefined ? {} : { stack: error.nodeStack }),
    logTail: lastLines(cluster.simulation.logs(error.node)),
  };
  writeCrashes(directory, [crash]);
  return crash;
}

/** Runs simulated time in slices until the workers finish, the deadline passes, a bound or invariant breaks, or Ctrl-C. */
async function simulateUntilDone(simulation: CoordinatorCluster['simulation'], run: { finished(): boolean }, deadlineMs: number, progress: () => boolean | void): Promise<SimulationEnding> {
  try {
    while (!run.finished() && simulation.now() < deadlineMs) {
      simulation.runFor(Math.min(1000, deadlineMs - simulation.now()));
      // Let signal handlers run between slices, so Ctrl-C can stop the run cleanly.
      await new Promise((resolve) => setImmediate(resolve));
      if (progress() === false) return { interrupted: true, incomplete: `interrupted at ${(simulation.now() / 1000).toFixed(1)} s of simulated time` };
    }
  } catch (error) {
    if (error instanceof InvariantViolation) return { interrupted: false, invariantViolation: error.message };
    if (error instanceof SimulationLimitError) return { interrupted: false, incomplete: `the run stopped early: ${error.message}` };
    if (error instanceof NodeCrashError) return { interrupted: false, crash: error, incomplete: `the run stopped when ${error.node} crashed, at ${(error.virtualMs / 1000).toFixed(3)} s of simulated time` };
    throw error;
  }
  return { interrupted: false };
}

function nanoseconds(scheduler: Scheduler): number {
  return Math.round(scheduler.nowMs() * 1_000_000);
}

/**
 * A client host of its own per process: the adapter calls open() once as it
 * is made, and again only after a session expires.
 */
function openSimulatedClient(cluster: CoordinatorCluster, nextAddress: () => string): { open(): CoordinatorClient; clock: Pick<Clock, 'setTimer' | 'clearTimer'> } {
  let clock: Clock | undefined;
  const open = (): CoordinatorClient => {
    let client: CoordinatorClient | undefined;
    cluster.addClient(nextAddress(), {}, (booted, world) => {
      client = booted;
      // Timers stay on the first host (client hosts never crash), so a handle is always cleared where it was set.
      clock ??= world.clock;
    });
    return client!;
  };
  return {
    open,
    clock: { setTimer: (delayMs, callback) => clock!.setTimer(delayMs, callback), clearTimer: (handle) => clock!.clearTimer(handle) },
  };
}

function sampleRoles(cluster: CoordinatorCluster, scheduler: Scheduler, directory: RunDirectory): void {
  const sample = (): void => {
    const time = nanoseconds(scheduler);
    for (const address of cluster.members) {
      const node = cluster.node(address);
      if (node === null) continue;
      const status = node.status();
      directory.roles.append(JSON.stringify({ time, node: address, role: status.role, epoch: status.epoch, commitPosition: status.commitPosition }));
    }
    scheduler.after(ROLE_SAMPLE_INTERVAL_MS, 'roles', sample);
  };
  sample();
}

/** Heals, lets replicas converge, and stores what the checkers and people read afterwards; returns a node's crash on the way. */
function finish(cluster: CoordinatorCluster, directory: RunDirectory, keys: string[], workload: string): NodeCrashError | undefined {
  try {
    cluster.healAll();
    cluster.awaitConvergence(30_000);
  } catch (error) {
    // A node that crashes after heal leaves no final state worth comparing; its crash is the finding.
    if (error instanceof NodeCrashError) return error;
    // The run already ended over a broken invariant or a bound; what is stored so far stands.
    if (!(error instanceof InvariantViolation) && !(error instanceof SimulationLimitError)) throw error;
  }
  if (workload === 'register') {
    const states: Record<string, Record<string, unknown>> = {};
    for (const address of cluster.members) {
      const node = cluster.node(address);
      if (node === null) continue;
      states[address] = readRegisters(node.service(), keys);
    }
    directory.writeJson(FINAL_STATES_FILE, states);
  }
  return undefined;
}

function storeTrace(cluster: CoordinatorCluster, directory: RunDirectory): void {
  for (const address of cluster.simulation.addresses('node')) {
    directory.writeNodeLog(address, 'node.log', cluster.simulation.logs(address));
  }
  directory.writeJson(FILES.trace, { traceHash: cluster.simulation.traceHash(), stats: cluster.simulation.stats() });
}
