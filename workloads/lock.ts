/**
 * The lock workloads: workers contend for a lock (one per key) and, holding
 * it, do their critical section. Each worker runs one cycle at a time:
 *
 *   lock:          acquire -> enter -> (hold) -> exit -> release
 *   lock-fencing:  acquire -> write-resource {token} -> (hold) -> write-resource {token} -> release
 *
 * Vocabulary (request -> ok value):
 *   acquire         value null        -> { path, token? }: the lock node, and
 *                                        its zxid as the fencing token when known
 *   enter           value null        -> null: the holder starts its critical
 *                                        section; fails "lock-lost" when the
 *                                        client already knows the lock is gone
 *   exit            value null        -> null: the critical section ends
 *   release         value null        -> null
 *   write-resource  value { token }   -> { token }: a write to the protected
 *                                        resource, which fails "stale-token"
 *                                        when it has seen a larger token
 * enter and exit are the holder's own records of its critical section (the
 * lock checker's critical-section holds: from an ok enter to the exit); the
 * client answers them locally, without asking the lock service.
 *
 * A holder records what its client knew when it knew it: a client told its
 * lock is lost (session expired) or in doubt (disconnected) while its worker
 * waits out the hold wakes the worker (WorkloadClient.onWake, urgent), which
 * exits and releases at once; the release ends info. A lock service that
 * grants the lock again before the holder could know still shows as two
 * holders to linearizability:mutex: that is the lease hazard fencing guards
 * against (lock-fencing), and a lock is unsafe for a holder that meets it.
 * write-resource with {token} is what checkers/lock/fencing.ts reads (its
 * default writeFunction).
 *
 * linearizability:mutex only understands acquire and release: the harness
 * hands it those operations alone.
 */
import type { Completion, GeneratorContext, KeyOptions, OperationGenerator, Step, Workload } from './index.js';

/**
 * Mean time a holder keeps the lock after its critical section's first step
 * (drawn from 0 to twice this): a holder does work while it holds, as in
 * Jepsen's lock tests, so a second grant during its hold shows as an overlap.
 */
const MEAN_HOLD_MS = 500;

interface WorkerCycle {
  process: number;
  /** What the worker does next in its cycle, in order; empty when it is free. */
  queue: Step[];
}

/** One lock's cycles. Free workers wait when the key's budget is spent, until every holder has let go. */
class LockKeyGenerator implements OperationGenerator {
  private acquires = 0;
  private readonly cycles = new Map<number, WorkerCycle>();

  constructor(
    private readonly options: KeyOptions,
    private readonly fencing: boolean,
  ) {}

  next(context: GeneratorContext): Step {
    const cycle = this.cycles.get(context.worker);
    // A fresh process holds nothing: whatever the old one held is in the history as it left it.
    if (cycle !== undefined && cycle.process !== context.process) this.cycles.delete(context.worker);
    const planned = this.cycles.get(context.worker)?.queue.shift();
    if (planned !== undefined) return planned;
    this.cycles.delete(context.worker);
    if (this.acquires >= this.options.operationsPerKey) return this.cycles.size === 0 ? 'done' : 'pending';
    this.acquires += 1;
    this.cycles.set(context.worker, { process: context.process, queue: [] });
    return { request: { f: 'acquire', value: null }, delayMs: 0 };
  }

  /** A worker that holds the lock (or may: its acquire succeeded) still has its cycle to finish. */
  owes(context: GeneratorContext): boolean {
    const cycle = this.cycles.get(context.worker);
    return cycle !== undefined && cycle.process === context.process && cycle.queue.length > 0;
  }

  update(context: GeneratorContext, completion: Completion): void {
    const cycle = this.cycles.get(context.worker);
    if (cycle === undefined) return;
    const { request, outcome } = completion;
    // After info the worker continues as a fresh process; after a release, or a failed acquire, it is free.
    if (outcome.type === 'info' || request.f === 'release' || (request.f === 'acquire' && outcome.type !== 'ok')) {
      this.cycles.delete(context.worker);
      return;
    }
    if (request.f === 'acquire') cycle.queue = this.holding(context, outcome.value);
    // A holder that learns it lost the lock does not enter; it still releases, to leave the queue.
    if (request.f === 'enter' && outcome.type === 'fail') cycle.queue = [step('release', null, 0)];
  }

  /** The rest of the cycle once the lock is held. */
  private holding(context: GeneratorContext, acquired: unknown): Step[] {
    const holdMs = context.random.integer(0, 2 * MEAN_HOLD_MS);
    if (!this.fencing) return [step('enter', null, 0), step('exit', null, holdMs), step('release', null, 0)];
    const token = tokenOf(acquired);
    // Without a token the resource cannot be written; let go at once.
    if (token === undefined) return [step('release', null, 0)];
    // Writing again after holding is what a holder that lost the lock meanwhile gets wrong.
    return [step('write-resource', { token }, 0), step('write-resource', { token }, holdMs), step('release', null, 0)];
  }
}

function step(f: string, value: unknown, delayMs: number): Step {
  return { request: { f, value }, delayMs };
}

function tokenOf(acquired: unknown): number | string | undefined {
  if (typeof acquired !== 'object' || acquired === null || !('token' in acquired)) return undefined;
  const token = (acquired as { token: unknown }).token;
  return typeof token === 'number' || typeof token === 'string' ? token : undefined;
}

export const lockWorkload: Workload = {
  name: 'lock',
  summary: 'acquire and release a lock per key; holders record their critical sections, which must never overlap',
  functions: ['acquire', 'enter', 'exit', 'release'],
  keyDefaults: { workersPerKey: 5, operationsPerKey: 100 },
  keyGenerator: (options) => new LockKeyGenerator(options, false),
  finalOperations: () => [],
  checkers: ['linearizability:mutex', 'lock', 'perf'],
  // Each lock is an ephemeral node: none may outlive its session.
  recordedStateCheckers: ['ephemerals'],
};

/**
 * The lock guards a resource that rejects stale fencing tokens: the question
 * is whether the resource stayed safe, even when the lock did not (a holder
 * whose session expired), so lock safety itself is the `lock` workload's.
 */
export const lockFencingWorkload: Workload = {
  name: 'lock-fencing',
  summary: 'a lock per key guarding a resource that rejects stale fencing tokens (zxid or revision)',
  functions: ['acquire', 'write-resource', 'release'],
  keyDefaults: { workersPerKey: 5, operationsPerKey: 100 },
  keyGenerator: (options) => new LockKeyGenerator(options, true),
  finalOperations: () => [],
  checkers: ['fencing', 'perf'],
  recordedStateCheckers: ['ephemerals'],
};
