/**
 * Leaf generators and the small helpers the combinators share. A generator
 * is an object with state; "pure" here means its operations depend only on
 * the random streams it is given and the order of calls, never on
 * Math.random, wall-clock time or I/O.
 */
import type {
  Completion,
  GeneratorContext,
  Invocation,
  OperationGenerator,
  OperationRequest,
  Step,
} from '../../workloads/index.js';

export function isInvocation(step: Step): step is Invocation {
  return typeof step === 'object' && 'request' in step;
}

/**
 * Remembers which child handed each worker its operation in flight, so the
 * outcome goes back to that child (one operation at a time per worker makes
 * the worker a sufficient key).
 */
export class Routes {
  private readonly byWorker = new Map<number, OperationGenerator>();

  /** Records the child when the step is an invocation; returns the step. */
  note(context: GeneratorContext, child: OperationGenerator, step: Step): Step {
    if (isInvocation(step)) this.byWorker.set(context.worker, child);
    return step;
  }

  /** Hands the completion to the child that issued it; returns that child. */
  deliver(context: GeneratorContext, completion: Completion): OperationGenerator | undefined {
    const child = this.byWorker.get(context.worker);
    this.byWorker.delete(context.worker);
    child?.update?.(context, completion);
    return child;
  }
}

/** Without end: each ask gets make(context), at once. */
export function repeat(make: (context: GeneratorContext) => OperationRequest): OperationGenerator {
  return { next: (context) => ({ request: make(context), delayMs: 0 }) };
}

/** The requests in order, each to whichever worker asks next; then done. */
export function fromList(requests: readonly OperationRequest[]): OperationGenerator {
  let position = 0;
  return {
    next: () => (position < requests.length ? { request: requests[position++]!, delayMs: 0 } : 'done'),
  };
}

export function once(request: OperationRequest): OperationGenerator {
  return fromList([request]);
}

/** No operations: workers wait until durationMs after the first ask, then it is done. */
export function sleep(durationMs: number): OperationGenerator {
  let untilMs: number | undefined;
  return {
    next(context) {
      untilMs ??= context.nowMs + durationMs;
      return context.nowMs >= untilMs ? 'done' : { pendingUntilMs: untilMs };
    },
  };
}

/** Builds its generator at the first ask, e.g. final reads of whatever keys the run has used by then. */
export function lazy(make: () => OperationGenerator): OperationGenerator {
  let built: OperationGenerator | undefined;
  return {
    next: (context) => (built ??= make()).next(context),
    update: (context, completion) => built?.update?.(context, completion),
  };
}

/**
 * Every worker (0 .. workerCount-1) runs its own copy, made by make(worker).
 * A worker whose copy is done waits for the others; done when all are.
 */
export function eachWorker(workerCount: number, make: (worker: number) => OperationGenerator): OperationGenerator {
  const copies = new Map<number, OperationGenerator>();
  const finished = new Set<number>();
  return {
    next(context) {
      if (finished.size >= workerCount) return 'done';
      if (finished.has(context.worker)) return 'pending';
      let copy = copies.get(context.worker);
      if (copy === undefined) copies.set(context.worker, (copy = make(context.worker)));
      const step = copy.next(context);
      if (step !== 'done') return step;
      finished.add(context.worker);
      return finished.size >= workerCount ? 'done' : 'pending';
    },
    update: (context, completion) => copies.get(context.worker)?.update?.(context, completion),
  };
}

/** Sets every request's key. */
export function onKey(key: string, inner: OperationGenerator): OperationGenerator {
  return {
    next(context) {
      const step = inner.next(context);
      return isInvocation(step) ? { ...step, request: { ...step.request, key } } : step;
    },
    update: (context, completion) => inner.update?.(context, completion),
  };
}
