/**
 * One whole simulated run of the coordinator, as the tests use it: boot the
 * cluster, start the workers and the random fault schedule, run until the
 * faults end (everything heals then and the workers stop invoking), give the
 * cluster time to converge, and collect what broke: a consensus invariant
 * or a node's crash (the run stops at the step that broke it), a client-visible anomaly, or
 * replicas that never agreed again.
 */
import type { SeededRandom } from '../../../common/random.js';
import type { ReadMode } from '../../../clusters/coordinator/service/types.js';
import { sequenceAnomalies, staleReads, type Anomaly } from './coordinator-anomalies.js';
import { CoordinatorCluster, type CoordinatorClusterOptions } from '../../../clusters/coordinator/sim/cluster.js';
import { InvariantViolation } from '../../../common/invariant-violation.js';
import { startWorkload, type RecordedOperation, type WorkloadOptions } from './coordinator-workload.js';
import type { SimulationLimits } from './limits.js';
import { NodeCrashError } from './node-crash.js';
import { scheduleRandomFaults, type RandomFaultOptions } from './random-faults.js';
import { Simulation } from './simulation.js';

export interface CoordinatorRunOptions extends Omit<CoordinatorClusterOptions<Simulation>, 'simulation'> {
  seed: number;
  traceBufferSize?: number;
  /** Bounds on the simulation (events, virtual time); past one, a SimulationLimitError. */
  limits?: Partial<SimulationLimits>;
  /** Workers invoke and faults strike until this time; then everything heals. */
  durationMs: number;
  workload: Omit<WorkloadOptions, 'stopAtMs'>;
  /** Null for a run without faults. */
  faults: Omit<RandomFaultOptions, 'endMs'> | null;
  /** How long after the faults end the replicas get to agree again. */
  recoveryMs?: number;
  /** Reads of these modes must never be stale. */
  checkedReadModes?: readonly ReadMode[];
}

export interface CoordinatorRunResult {
  seed: number;
  violation: InvariantViolation | null;
  /** A node that threw inside its own code; the run stopped there. */
  crash: NodeCrashError | null;
  anomalies: Anomaly[];
  /** Null when an invariant broke first. */
  converged: boolean | null;
  history: RecordedOperation[];
  faults: string[];
  traceHash: string;
  cluster: CoordinatorCluster<Simulation>;
}

export function runCoordinator(options: CoordinatorRunOptions): CoordinatorRunResult {
  const simulation = new Simulation({
    seed: options.seed,
    network: options.network ?? {},
    traceBufferSize: options.traceBufferSize ?? 0,
    ...(options.limits === undefined ? {} : { limits: options.limits }),
  });
  const cluster = new CoordinatorCluster({ ...options, simulation });
  const nemesis: SeededRandom = simulation.random('nemesis');
  const faults = options.faults === null ? [] : scheduleRandomFaults(cluster, nemesis, { ...options.faults, endMs: options.durationMs });
  if (options.faults === null) simulation.at(options.durationMs, 'heal everything', () => cluster.healAll());
  const history = startWorkload(cluster, { ...options.workload, stopAtMs: options.durationMs });
  const result: CoordinatorRunResult = { seed: options.seed, violation: null, crash: null, anomalies: [], converged: null, history, faults, traceHash: '', cluster };
  try {
    simulation.run(options.durationMs);
    // Calls still in flight get their answer or their timeout before the replicas are compared.
    simulation.runFor(options.workload.client?.requestTimeoutMs ?? 1000);
    result.converged = cluster.awaitConvergence(options.recoveryMs ?? 10_000);
  } catch (error) {
    if (error instanceof NodeCrashError) result.crash = error;
    else if (error instanceof InvariantViolation) result.violation = error;
    else throw error;
  }
  result.anomalies = [...staleReads(history, options.checkedReadModes ?? ['linearizable']), ...sequenceAnomalies(history)];
  result.traceHash = simulation.traceHash();
  return result;
}

/** One line on what went wrong in a run, or null when nothing did. */
export function describeFailure(result: CoordinatorRunResult): string | null {
  const problems: string[] = [];
  if (result.violation !== null) problems.push(result.violation.message);
  if (result.crash !== null) problems.push(result.crash.message);
  if (result.converged === false) problems.push(`replicas did not converge: ${result.cluster.describeReplicas()}`);
  for (const anomaly of result.anomalies.slice(0, 3)) problems.push(`${anomaly.kind}: ${anomaly.detail}`);
  if (problems.length === 0) return null;
  return `seed ${result.seed}: ${problems.join('; ')}\nfaults:\n  ${result.faults.join('\n  ')}`;
}
