/**
 * The sequence workload: obtain unique ids on independent keys.
 *
 * Vocabulary (request -> ok value):
 *   next   value null   -> the id, an integer (or text ending in a decimal counter)
 * Checked per key: no duplicates, no gaps that completed operations left, and
 * real-time order (an id asked for after another was handed out is larger).
 */
import type { KeyOptions, OperationGenerator, Step, Workload } from './index.js';

class SequenceKeyGenerator implements OperationGenerator {
  private issued = 0;

  constructor(private readonly options: KeyOptions) {}

  next(): Step {
    if (this.issued >= this.options.operationsPerKey) return 'done';
    this.issued += 1;
    return { request: { f: 'next', value: null }, delayMs: 0 };
  }
}

export const sequenceWorkload: Workload = {
  name: 'sequence',
  summary: 'unique ids from a sequence per key: no duplicates, no gaps, increasing in real time',
  functions: ['next'],
  keyDefaults: { workersPerKey: 5, operationsPerKey: 500 },
  keyGenerator: (options) => new SequenceKeyGenerator(options),
  finalOperations: () => [],
  checkers: ['sequence', 'perf'],
};
