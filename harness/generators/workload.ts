/**
 * A workload's operations for one run, as the orchestrator's workers pull
 * them: independent keys, staggered to the run's rate, then the phases of
 * DESIGN.md: warm-up (no faults yet), faults, recovery (faults healed, no
 * client operations), and final operations on every key the run used.
 */
import assert from 'node:assert/strict';
import type { OperationGenerator, Workload } from '../../workloads/index.js';
import { eachWorker, fromList, lazy, sleep } from './basic.js';
import { phases, stagger, timeLimit } from './combinators.js';
import { independentKeys } from './independent.js';

export interface WorkloadPlanOptions {
  concurrency: number;
  /** Operations per second across all workers; absent or 0: as fast as the workers go. */
  rate?: number;
  /** Default: the workload's keyDefaults. */
  workersPerKey?: number;
  operationsPerKey?: number;
}

export interface WorkloadPlan {
  concurrency: number;
  /** Without end: bound it with timeLimit, as runPhases does. */
  main: OperationGenerator;
  keysUsed(): string[];
  /** The workload's final operations on every key used so far; build it when the final phase begins. */
  finalOperations(): OperationGenerator;
}

export function planWorkload(workload: Workload, options: WorkloadPlanOptions): WorkloadPlan {
  const workersPerKey = Math.min(options.workersPerKey ?? workload.keyDefaults.workersPerKey, options.concurrency);
  const operationsPerKey = options.operationsPerKey ?? workload.keyDefaults.operationsPerKey;
  assert.ok(operationsPerKey > 0, 'operationsPerKey must be positive');
  const keyed = independentKeys({ workersPerKey, keyGenerator: () => workload.keyGenerator({ operationsPerKey }) });
  const rate = options.rate ?? 0;
  const main = rate > 0 ? stagger(1000 / rate, keyed) : keyed;
  return {
    concurrency: options.concurrency,
    main,
    keysUsed: () => keyed.keysUsed(),
    finalOperations: () => fromList(workload.finalOperations(keyed.keysUsed())),
  };
}

export type PhaseName = 'warm-up' | 'faults' | 'recovery' | 'final';

export const PHASE_NAMES: readonly PhaseName[] = ['warm-up', 'faults', 'recovery', 'final'];

export interface RunPhaseOptions {
  warmUpMs: number;
  /** The run's time limit after warm-up: operations while the nemesis runs. */
  faultsMs: number;
  /** Quiet time after everything is healed, before the final operations. */
  recoveryMs: number;
  /**
   * 'one-worker' (default): each final operation once. 'every-worker': each
   * worker does them all, so a read reaches every node a worker talks to.
   */
  finalBy?: 'one-worker' | 'every-worker';
  /** Called as each phase begins: start the nemesis on "faults", heal everything on "recovery". */
  onPhase?(phase: PhaseName, nowMs: number): void;
}

/** The whole run's generator. Operations of a phase all complete before the next phase begins. */
export function runPhases(plan: WorkloadPlan, options: RunPhaseOptions): OperationGenerator {
  const final =
    options.finalBy === 'every-worker'
      ? eachWorker(plan.concurrency, () => lazy(() => plan.finalOperations()))
      : lazy(() => plan.finalOperations());
  return phases(
    [timeLimit(options.warmUpMs, plan.main), timeLimit(options.faultsMs, plan.main), sleep(options.recoveryMs), final],
    {
      onEnter: (phase, nowMs) => options.onPhase?.(PHASE_NAMES[phase]!, nowMs),
      // Warm-up runs straight into the faults: a lock held across the boundary is released in the
      // faults phase, instead of every worker idling until the slowest acquire times out. Recovery
      // and the final reads start only once every operation before them has completed.
      drainAfter: (phase) => PHASE_NAMES[phase] !== 'warm-up',
    },
  );
}
