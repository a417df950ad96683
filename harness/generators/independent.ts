/**
 * Independent keys, after Jepsen's independent/concurrent-generator: workers
 * form groups of workersPerKey (worker w is in group floor(w / workersPerKey));
 * each group works on one key at a time, through a fresh generator for that
 * key, and moves to a fresh key when that generator is done. So every key's
 * history is bounded in length (the key generator's budget) and in
 * concurrency (one group), which keeps checking each key cheap, and an
 * operation whose outcome is unknown only burdens the check of its own key.
 */
import assert from 'node:assert/strict';
import type { Completion, GeneratorContext, OperationGenerator, Step } from '../../workloads/index.js';
import { Routes, isInvocation } from './basic.js';

export interface IndependentOptions {
  workersPerKey: number;
  /** A fresh generator for a new key; its requests get the key set. */
  keyGenerator(key: string): OperationGenerator;
  /** Names keys by the order they were first used; "0", "1", ... by default. */
  keyName?(index: number): string;
}

export interface IndependentGenerator extends OperationGenerator {
  /** Every key handed to a group so far, in order. */
  keysUsed(): string[];
}

interface GroupKey {
  key: string;
  generator: OperationGenerator;
}

export function independentKeys(options: IndependentOptions): IndependentGenerator {
  assert.ok(Number.isInteger(options.workersPerKey) && options.workersPerKey > 0, 'workersPerKey must be a positive integer');
  const keyName = options.keyName ?? String;
  const keys: string[] = [];
  const groups = new Map<number, GroupKey>();
  const routes = new Routes();
  const freshKey = (group: number): GroupKey => {
    const key = keyName(keys.length);
    keys.push(key);
    const entry = { key, generator: options.keyGenerator(key) };
    groups.set(group, entry);
    return entry;
  };
  return {
    next(context: GeneratorContext): Step {
      const group = Math.floor(context.worker / options.workersPerKey);
      let entry = groups.get(group) ?? freshKey(group);
      let step = entry.generator.next(context);
      if (step === 'done') {
        entry = freshKey(group);
        step = entry.generator.next(context);
        // A key generator with nothing at all to give would rotate keys for ever.
        assert.notEqual(step, 'done', `a fresh key's generator (key ${entry.key}) was done at once`);
      }
      if (!isInvocation(step)) return step;
      routes.note(context, entry.generator, step);
      return { ...step, request: { ...step.request, key: entry.key } };
    },
    update(context: GeneratorContext, completion: Completion): void {
      routes.deliver(context, completion);
    },
    owes: (context) => groups.get(Math.floor(context.worker / options.workersPerKey))?.generator.owes?.(context) ?? false,
    keysUsed: () => [...keys],
  };
}
