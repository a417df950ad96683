/**
 * The simulator's adapter to the run pipeline: boot the coordinator cluster
 * in simulated hosts, hand the pipeline its virtual clock and let time pass
 * in slices; afterwards heal, let replicas converge, store final states, a
 * node's crash, the logs and the trace hash. Everything happens in virtual
 * time from the run's one seed, so a replay of the same config gives the same
 * history byte for byte.
 */
import type { RoleSample } from '../../checkers/checker.js';
import { coordinatorWorkloadClient } from '../../clusters/coordinator/workload-client.js';
import type { CoordinatorClient } from '../../clusters/coordinator/client/client.js';
import type { Clock } from '../../clusters/coordinator/world.js';
import { readRegisters } from '../../clusters/coordinator/node.js';
import { CoordinatorCluster } from '../runtimes/sim/coordinator-cluster.js';
import { SimulationFaultControl } from '../runtimes/sim/fault-control.js';
import { InvariantViolation } from '../runtimes/sim/invariants.js';
import { SimulationLimitError } from '../runtimes/sim/limits.js';
import { NodeCrashError } from '../runtimes/sim/node-crash.js';
import type { RunConfig } from './config.js';
import { FILES, type RunDirectory } from './run-store.js';
import { lastLines, writeCrashes, type NodeCrash } from './crashes.js';
import { runPipeline, storeFinalStates, type Progress, type RunStop, type RunTarget } from './pipeline.js';

export type { Progress };

/** Every this many virtual milliseconds each node's role goes into roles.jsonl. */
const ROLE_SAMPLE_INTERVAL_MS = 100;
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

export async function runOnSimulator(config: RunConfig, directory: RunDirectory, progress: Progress): Promise<SimRunReport> {
  const cluster = new CoordinatorCluster({
    seed: config.seed,
    engine: config.system === 'coordinator-zab' ? 'zab' : 'raft',
    nodes: config.nodes,
    bugs: config.bugs,
    limits: { maxEvents: Math.max(MIN_EVENT_LIMIT, EVENTS_PER_SIMULATED_SECOND * runSeconds(config)) },
  });
  const simulation = cluster.simulation;
  let crashed: NodeCrashError | undefined;
  const target: RunTarget = {
    scheduler: simulation,
    control: new SimulationFaultControl(simulation),
    nodes: cluster.members,
    leader: () => cluster.leader(),
    openClient: () => {
      let clientCount = 0;
      return () => coordinatorWorkloadClient({ ...openSimulatedClient(cluster, () => `c${++clientCount}`), readMode: config.readMode });
    },
    sampleRoles: (timeNs) => roleSamples(cluster, timeNs()),
    roleSampleIntervalMs: ROLE_SAMPLE_INTERVAL_MS,
    drainSlackMs: DRAIN_SLACK_MS,
    timeWords: ' of simulated time',
    healRest: () => cluster.healAll(),
    advance: async (sliceMs) => {
      const stop = simulateSlice(simulation, sliceMs);
      if (stop?.crash !== undefined) crashed = stop.crash;
      // Let signal handlers run between slices, so Ctrl-C can stop the run cleanly.
      if (stop === undefined) await new Promise((resolve) => setImmediate(resolve));
      return stop;
    },
  };
  const run = await runPipeline(config, directory, target, progress);
  // An interrupted run still heals and stores what it has; one past a simulation bound, or stopped by a crash, cannot run on.
  if (run.stop === undefined || run.interrupted) crashed = finish(config, cluster, directory, run.keysUsed());
  const crash = crashed === undefined ? undefined : recordCrash(cluster, directory, crashed);
  // What was in flight when a node crashed may or may not have happened.
  if (crashed !== undefined) for (const event of run.inFlight.infoCompletions(run.nowNs(), 'the run stopped: a node crashed')) run.record(event);
  storeTrace(cluster, directory);
  const incomplete = run.stop?.incomplete;
  return {
    traceHash: simulation.traceHash(),
    virtualMs: simulation.now(),
    events: run.events(),
    ...(run.stop?.invariantViolation === undefined ? {} : { invariantViolation: run.stop.invariantViolation }),
    ...(incomplete === undefined ? {} : { incomplete }),
    ...(crash === undefined ? {} : { crash }),
  };
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

/** Runs one slice of simulated time; a broken invariant, a simulation bound or a node's crash ends the run. */
function simulateSlice(simulation: CoordinatorCluster['simulation'], sliceMs: number): (RunStop & { crash?: NodeCrashError }) | undefined {
  try {
    simulation.runFor(sliceMs);
  } catch (error) {
    if (error instanceof InvariantViolation) return { invariantViolation: error.message };
    if (error instanceof SimulationLimitError) return { incomplete: `the run stopped early: ${error.message}` };
    if (error instanceof NodeCrashError) return { crash: error, incomplete: crashIncomplete(error) };
    throw error;
  }
  return undefined;
}

function crashIncomplete(error: NodeCrashError): string {
  return `the run stopped when ${error.node} crashed, at ${(error.virtualMs / 1000).toFixed(3)} s of simulated time`;
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

function roleSamples(cluster: CoordinatorCluster, time: number): RoleSample[] {
  const samples: RoleSample[] = [];
  for (const address of cluster.members) {
    const node = cluster.node(address);
    if (node === null) continue;
    const status = node.status();
    samples.push({ time, node: address, role: status.role, epoch: status.epoch, commitPosition: status.commitPosition });
  }
  return samples;
}

/** Heals, lets replicas converge, and stores what the checkers and people read afterwards; returns a node's crash on the way. */
function finish(config: RunConfig, cluster: CoordinatorCluster, directory: RunDirectory, keys: string[]): NodeCrashError | undefined {
  try {
    cluster.healAll();
    cluster.awaitConvergence(30_000);
  } catch (error) {
    // A node that crashes after heal leaves no final state worth comparing; its crash is the finding.
    if (error instanceof NodeCrashError) return error;
    // The run already ended over a broken invariant or a bound; what is stored so far stands.
    if (!(error instanceof InvariantViolation) && !(error instanceof SimulationLimitError)) throw error;
  }
  storeFinalStates(config, directory, () => {
    const states: Record<string, Record<string, unknown>> = {};
    for (const address of cluster.members) {
      const node = cluster.node(address);
      if (node !== null) states[address] = readRegisters(node.service(), keys);
    }
    return states;
  });
  return undefined;
}

function storeTrace(cluster: CoordinatorCluster, directory: RunDirectory): void {
  for (const address of cluster.simulation.addresses('node')) {
    directory.writeNodeLog(address, 'node.log', cluster.simulation.logs(address));
  }
  directory.writeJson(FILES.trace, { traceHash: cluster.simulation.traceHash(), stats: cluster.simulation.stats() });
}
