/**
 * Seeded, composable operation generators (after Jepsen's generator
 * library). The protocol and types are the Workload seam's
 * (workloads/index.ts): a worker with nothing in flight asks next(context)
 * and gets an Invocation {request, delayMs}, 'pending', {pendingUntilMs} or
 * 'done'; it reports the outcome with update(context, completion) before
 * asking again. Everything random comes from context.random, the asking
 * worker's own stream; time comes from context.nowMs, the run's Scheduler.
 */
export type {
  Completion,
  GeneratorContext,
  Invocation,
  OperationGenerator,
  OperationRequest,
  Step,
} from '../../workloads/index.js';
export { Routes, eachWorker, fromList, isInvocation, lazy, onKey, once, repeat, sleep } from './basic.js';
export { limit, mix, phases, stagger, timeLimit, type PhaseOptions } from './combinators.js';
export { independentKeys, type IndependentGenerator, type IndependentOptions } from './independent.js';
export {
  PHASE_NAMES,
  planWorkload,
  runPhases,
  type PhaseName,
  type RunPhaseOptions,
  type WorkloadPlan,
  type WorkloadPlanOptions,
} from './workload.js';
