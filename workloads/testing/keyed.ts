/**
 * Test support: a workload's key generators on a fixed set of keys, worker w
 * on key w mod keys, without the harness's key rotation. Done when every
 * key's generator is done.
 */
import type { Completion, GeneratorContext, KeyOptions, OperationGenerator, Step, Workload } from '../index.js';

export function onFixedKeys(workload: Workload, keyCount: number, options: KeyOptions): OperationGenerator & { keys: string[] } {
  const keys = Array.from({ length: keyCount }, (_unused, index) => `k${index}`);
  const generators = keys.map(() => workload.keyGenerator(options));
  const finished = new Set<number>();
  return {
    keys,
    next(context: GeneratorContext): Step {
      const index = context.worker % keyCount;
      const step = generators[index]!.next(context);
      if (step === 'done') {
        finished.add(index);
        return finished.size === keyCount ? 'done' : 'pending';
      }
      if (typeof step === 'object' && 'request' in step) return { ...step, request: { ...step.request, key: keys[index]! } };
      return step;
    },
    update(context: GeneratorContext, completion: Completion): void {
      generators[context.worker % keyCount]!.update?.(context, completion);
    },
  };
}
