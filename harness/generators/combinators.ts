/**
 * Combinators in the spirit of Jepsen's generator library: weighted mix,
 * stagger (a rate), limit (a count), time limit, and phases with a barrier
 * between them. Each draws only from the asking worker's random stream.
 */
import assert from 'node:assert/strict';
import type { GeneratorContext, OperationGenerator, Step } from '../../workloads/index.js';
import { pickWeighted } from '../../workloads/weighted.js';
import { Routes, isInvocation } from './basic.js';

/** Each operation from one of the generators, chosen by weight; exhausted ones drop out. Done when all are. */
export function mix(choices: ReadonlyArray<readonly [OperationGenerator, number]>): OperationGenerator {
  assert.ok(choices.every(([, weight]) => weight >= 0), 'mix weights must not be negative');
  const live = choices.filter(([, weight]) => weight > 0).map(([generator, weight]) => ({ generator, weight }));
  const routes = new Routes();
  return {
    next(context) {
      while (live.length > 0) {
        const chosen = pickWeighted(context.random, live.map((item) => [item, item.weight] as const));
        const step = chosen.generator.next(context);
        if (step !== 'done') return routes.note(context, chosen.generator, step);
        live.splice(live.indexOf(chosen), 1);
      }
      return 'done';
    },
    update: (context, completion) => void routes.deliver(context, completion),
  };
}

/** At most `count` operations in all, then done. */
export function limit(count: number, inner: OperationGenerator): OperationGenerator {
  let remaining = count;
  return {
    next(context) {
      if (remaining <= 0) return 'done';
      const step = inner.next(context);
      if (isInvocation(step)) remaining -= 1;
      return step;
    },
    update: (context, completion) => inner.update?.(context, completion),
  };
}

/**
 * Operations handed out until durationMs have passed since the first ask;
 * then done for good, except for a worker the inner generator says owes
 * steps (a lock holder that has yet to release), which gets them. An
 * operation is never dropped once the inner generator gave it (a lock
 * holder's exit must happen), so one handed out just before the limit may
 * be invoked up to its delay after it. Workers waiting on the inner
 * generator wake at the limit to hear that it is done.
 */
export function timeLimit(durationMs: number, inner: OperationGenerator): OperationGenerator {
  let deadlineMs: number | undefined;
  return {
    next(context) {
      deadlineMs ??= context.nowMs + durationMs;
      // Sticky: once past the limit, a later ask with an earlier clock reading still gets nothing new.
      if (context.nowMs >= deadlineMs) {
        deadlineMs = -Infinity;
        return inner.owes?.(context) === true ? inner.next(context) : 'done';
      }
      const step = inner.next(context);
      if (step === 'pending') return { pendingUntilMs: deadlineMs };
      if (step !== 'done' && !isInvocation(step)) return { pendingUntilMs: Math.min(step.pendingUntilMs, deadlineMs) };
      return step;
    },
    update: (context, completion) => inner.update?.(context, completion),
  };
}

/**
 * Operations across all workers come meanDelayMs apart on average, at
 * exponentially distributed intervals (a Poisson process of rate
 * 1000 / meanDelayMs per second). When every worker is busy the rate is
 * simply lower: missed slots are not made up later in a burst.
 */
export function stagger(meanDelayMs: number, inner: OperationGenerator): OperationGenerator {
  assert.ok(meanDelayMs >= 0, `stagger needs a mean delay >= 0, got ${meanDelayMs}`);
  let nextSlotMs = -Infinity;
  return {
    next(context) {
      const step = inner.next(context);
      if (!isInvocation(step)) return step;
      const atMs = Math.max(context.nowMs + step.delayMs, nextSlotMs);
      nextSlotMs = atMs + exponential(context, meanDelayMs);
      return { request: step.request, delayMs: atMs - context.nowMs };
    },
    update: (context, completion) => inner.update?.(context, completion),
    owes: (context) => inner.owes?.(context) ?? false,
  };
}

function exponential(context: GeneratorContext, meanMs: number): number {
  return meanMs === 0 ? 0 : -meanMs * Math.log(1 - context.random.next());
}

export interface PhaseOptions {
  /** Called as each phase begins (at the first ask in it), e.g. to heal the cluster before recovery. */
  onEnter?(phase: number, nowMs: number): void;
  /**
   * Whether the phase after this one waits for every operation begun so far
   * to complete (the default: yes). Without it, operations of one phase may
   * overlap the next: a lock held across the end of warm-up is released in
   * the faults phase, rather than every worker idling until the slowest
   * acquire times out.
   */
  drainAfter?(phase: number): boolean;
}

/**
 * The generators one after another. A phase ends when it is done and, unless
 * drainAfter says otherwise, all operations so far have completed (workers
 * wait meanwhile), so no earlier operation overlaps the next phase.
 */
export function phases(generators: readonly OperationGenerator[], options: PhaseOptions = {}): OperationGenerator {
  let current = -1;
  const inFlight = generators.map(() => 0);
  const phaseOf = new Map<number, number>();
  const enter = (context: GeneratorContext): void => {
    current += 1;
    if (current < generators.length) options.onEnter?.(current, context.nowMs);
  };
  return {
    next(context): Step {
      if (current < 0) enter(context);
      while (current < generators.length) {
        const step = generators[current]!.next(context);
        if (step !== 'done') {
          if (isInvocation(step)) {
            phaseOf.set(context.worker, current);
            inFlight[current]! += 1;
          }
          return step;
        }
        if ((options.drainAfter?.(current) ?? true) && inFlight.some((count, phase) => phase <= current && count > 0)) return 'pending';
        enter(context);
      }
      return 'done';
    },
    update(context, completion) {
      const phase = phaseOf.get(context.worker);
      if (phase === undefined) return;
      phaseOf.delete(context.worker);
      inFlight[phase]! -= 1;
      generators[phase]!.update?.(context, completion);
    },
  };
}
