/**
 * The register workload: read, write and compare-and-set on independent keys.
 *
 * Vocabulary (request -> ok value):
 *   read   value null         -> the value held, or null for a key never written
 *   write  value v            -> v
 *   cas    value [from, to]   -> [from, to]; a cas that found another value fails
 * Values are small integers: each key counts 1, 2, 3, ... so every write and
 * every cas writes a value no other operation on that key writes (a lost
 * write shows as a value that should have been overwritten), and a cas
 * expects one of the last few values written, so it succeeds often enough to
 * matter. Checked per key against the cas-register model.
 */
import type { GeneratorContext, KeyOptions, OperationGenerator, OperationRequest, Step, Workload } from './index.js';
import { pickWeighted } from './weighted.js';

/** How many of the latest values a cas may expect: few, so it hits the current value often. */
const CAS_CANDIDATES = 3;

const MIX: ReadonlyArray<readonly ['read' | 'write' | 'cas', number]> = [
  ['read', 1],
  ['write', 1],
  ['cas', 1],
];

/**
 * Every fifth worker only reads. A worker that also writes gets stuck on its
 * first write to a cut-off leader, so without readers that never write, no
 * one would be reading from a deposed leader while its lease (rightly or
 * wrongly) lets it answer: stale lease reads would go unseen.
 */
const READ_ONLY_EVERY = 5;

/** The operations on one key; shared by the workers on that key, since values count per key. */
class RegisterKeyGenerator implements OperationGenerator {
  private issued = 0;
  private lastValue = 0;
  private readonly recent: number[] = [];

  constructor(private readonly options: KeyOptions) {}

  next(context: GeneratorContext): Step {
    if (this.issued >= this.options.operationsPerKey) return 'done';
    this.issued += 1;
    return { request: this.request(context), delayMs: 0 };
  }

  private request(context: GeneratorContext): OperationRequest {
    const f = context.worker % READ_ONLY_EVERY === READ_ONLY_EVERY - 1 ? 'read' : pickWeighted(context.random, MIX);
    if (f === 'read') return { f: 'read', value: null };
    const value = this.nextValue();
    // Nothing written before: a cas could only fail, so write instead.
    if (f === 'write' || this.recent.length === 1) return { f: 'write', value };
    // Any remembered value but the fresh one just taken.
    const from = this.recent[context.random.integer(0, this.recent.length - 1)]!;
    return { f: 'cas', value: [from, value] };
  }

  /** A fresh value, remembered as a candidate for later cas operations. */
  private nextValue(): number {
    this.lastValue += 1;
    this.recent.push(this.lastValue);
    if (this.recent.length > CAS_CANDIDATES + 1) this.recent.shift();
    return this.lastValue;
  }
}

export const registerWorkload: Workload = {
  name: 'register',
  summary: 'read, write and compare-and-set on independent keys; linearizable per key, replicas converge',
  functions: ['read', 'write', 'cas'],
  keyDefaults: { workersPerKey: 5, operationsPerKey: 200 },
  keyGenerator: (options) => new RegisterKeyGenerator(options),
  finalOperations: (keys) => keys.map((key) => ({ f: 'read', key, value: null })),
  checkers: ['linearizability:cas-register', 'convergence', 'split-brain', 'perf'],
};
