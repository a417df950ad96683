/** The linearizability search as a Checker of the shared protocol (checkers/checker.ts). */
import { performance } from 'node:perf_hooks';
import type { Checker, CheckerInput, CheckerResult } from '../checker.js';
import { checkLinearizable, requireEvidence, type LinearizabilityResult } from './check.js';
import type { Counterexample } from './counterexample.js';
import type { ModelOptions } from './model.js';
import { createModel } from './models/index.js';

export interface LinearizabilityOptions {
  model: string;
  modelOptions?: ModelOptions;
  timeoutMs?: number;
  maxCacheBytes?: number;
}

export type LinearizabilityCheckerResult = CheckerResult<Counterexample> & { details: LinearizabilityResult };

export const linearizabilityChecker: Checker<LinearizabilityOptions, LinearizabilityCheckerResult> = {
  name: 'linearizability',
  check(input: CheckerInput, options: LinearizabilityOptions): LinearizabilityCheckerResult {
    const model = createModel(options.model, options.modelOptions ?? {});
    const checked = checkLinearizable(model, input.operations, {
      nowMs: () => performance.now(),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.maxCacheBytes === undefined ? {} : { maxCacheBytes: options.maxCacheBytes }),
    });
    const details = requireEvidence(checked, input.operations);
    const example = details.counterexample;
    return {
      checker: 'linearizability',
      valid: details.valid,
      ...(details.reason === undefined ? {} : { reason: details.reason }),
      anomalies: example === undefined ? [] : [example],
      stats: { model: details.model, ops: details.ops, keys: details.keys, checkMs: Math.round(details.checkMs) },
      ...(example === undefined ? {} : { sentence: example.sentence }),
      details,
    };
  },
};
