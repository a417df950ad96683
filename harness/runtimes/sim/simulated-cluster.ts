/**
 * The simulator's Cluster: one Simulation from the run's
 * seed, whose hosts a system fills (the System seam's simulated hosts); the
 * run's clock is its virtual time, advanced in slices. A broken invariant, a
 * simulation bound or a node's own crash freezes the simulation: the run
 * stops there and says why.
 */
import assert from 'node:assert/strict';
import { InvariantViolation } from '../../../common/invariant-violation.js';
import type { BootRequest, Cluster, FaultAbility, NodeCrashRecord, RunStop, VerifiedFaultControl } from '../index.js';
import { lastLines } from '../crash-lines.js';
import { SimulationFaultControl } from './fault-control.js';
import { SimulationLimitError } from './limits.js';
import { NodeCrashError } from './node-crash.js';
import { Simulation } from './simulation.js';

/** Every this many virtual milliseconds each node's role is sampled: a look costs no network round here. */
const ROLE_SAMPLE_INTERVAL_MS = 100;
/** Virtual time allowed after the phases for the last operations to finish. */
const DRAIN_SLACK_MS = 60_000;
/** Virtual time replicas get to agree after heal. */
const CONVERGENCE_TIMEOUT_MS = 30_000;
/**
 * A healthy 3-node run makes about a thousand simulator events per simulated
 * second; far more means a livelock (a timer re-arming itself at one
 * instant), which must end the run as unknown rather than spin for hours.
 */
const EVENTS_PER_SIMULATED_SECOND = 200_000;
const MIN_EVENT_LIMIT = 5_000_000;

export function bootSimulator(request: BootRequest, faults: ReadonlySet<FaultAbility>): Cluster {
  return new SimulatedCluster(request, faults);
}

class SimulatedCluster implements Cluster {
  readonly runtime = 'sim' as const;
  readonly simulation: Simulation;
  readonly hosts;
  readonly timeWords = ' of simulated time';
  readonly roleSampleIntervalMs = ROLE_SAMPLE_INTERVAL_MS;
  readonly drainSlackMs = DRAIN_SLACK_MS;
  readonly convergenceTimeoutMs = CONVERGENCE_TIMEOUT_MS;
  readonly nodes;
  private readonly crashed: NodeCrashRecord[] = [];

  constructor(
    request: BootRequest,
    readonly faults: ReadonlySet<FaultAbility>,
  ) {
    const runSeconds = request.runSeconds + DRAIN_SLACK_MS / 1000;
    this.simulation = new Simulation({
      seed: request.seed,
      network: {},
      traceBufferSize: 0,
      limits: { maxEvents: Math.max(MIN_EVENT_LIMIT, EVENTS_PER_SIMULATED_SECOND * runSeconds) },
    });
    this.hosts = { kind: 'simulated' as const, simulation: this.simulation };
    this.nodes = request.nodes.map((name) => ({ name, address: name, dataDirectory: '' }));
  }

  get scheduler(): Simulation {
    return this.simulation;
  }

  /** Every fault applies at once and cannot fail here: settled at once, no failure. */
  faultControl(): VerifiedFaultControl {
    const control = new SimulationFaultControl(this.simulation);
    return Object.assign(control, { settled: async () => {}, failure: () => undefined });
  }

  async advance(sliceMs: number): Promise<RunStop | undefined> {
    const stop = this.guard(() => this.simulation.runFor(sliceMs));
    // Let signal handlers run between slices, so Ctrl-C can stop the run cleanly.
    if (stop === undefined) await new Promise((resolve) => setImmediate(resolve));
    return stop;
  }

  async waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<{ met: boolean; stop?: RunStop }> {
    let met = false;
    const stop = this.guard(() => {
      met = this.simulation.runUntil(() => {
        const answer = condition();
        // The condition runs between simulation steps: it must answer at once.
        assert.ok(typeof answer === 'boolean', 'a condition on the simulator must answer synchronously');
        return answer;
      }, timeoutMs);
    });
    return stop === undefined ? { met } : { met: false, stop };
  }

  /** Ends every fault: links healed and back to their defaults, nodes resumed and restarted, clocks true. */
  healRest(): void {
    const simulation = this.simulation;
    simulation.heal();
    simulation.setNetworkOptions({});
    simulation.resumeAll();
    for (const address of simulation.addresses()) {
      if (simulation.state(address) === 'crashed') simulation.restart(address);
      simulation.resetClock(address);
    }
  }

  crashes(): readonly NodeCrashRecord[] {
    return this.crashed;
  }

  async collectLogs(write: (node: string, fileName: string, lines: string[]) => void): Promise<void> {
    for (const address of this.simulation.addresses('node')) write(address, 'node.log', this.simulation.logs(address));
  }

  trace(): Record<string, unknown> {
    return { traceHash: this.simulation.traceHash(), stats: this.simulation.stats() };
  }

  async teardown(): Promise<void> {}

  /** Runs the simulation; a broken invariant, a bound or a node's crash freezes it and says why. */
  private guard(run: () => void): RunStop | undefined {
    try {
      run();
    } catch (error) {
      if (error instanceof InvariantViolation) return { invariantViolation: error.message, frozen: true };
      if (error instanceof SimulationLimitError) return { incomplete: `the run stopped early: ${error.message}`, frozen: true };
      if (error instanceof NodeCrashError) {
        this.crashed.push(this.crashRecord(error));
        return { incomplete: `the run stopped when ${error.node} crashed, at ${(error.virtualMs / 1000).toFixed(3)} s of simulated time`, frozen: true };
      }
      throw error;
    }
    return undefined;
  }

  private crashRecord(error: NodeCrashError): NodeCrashRecord {
    return {
      node: error.node,
      time: Math.round(error.virtualMs * 1_000_000),
      message: error.reason,
      ...(error.nodeStack === undefined ? {} : { stack: error.nodeStack }),
      logTail: lastLines(this.simulation.logs(error.node)),
    };
  }
}
