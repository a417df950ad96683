/**
 * Test support: runs the checkers a workload names on a recorded history.
 * "linearizability:<model>" checks the operations the model understands
 * (the lock workload's enter and exit are not mutex operations). A stand-in
 * until the harness has its checker registry; its name mapping is the one
 * the workloads assume.
 */
import { runChecker, type Checker, type CheckerInput, type Verdict } from '../../checkers/checker.js';
import { checkLinearizable } from '../../checkers/linearizability/check.js';
import { createModel } from '../../checkers/linearizability/models/index.js';
import { convergenceChecker } from '../../checkers/convergence/index.js';
import { fencingChecker, lockChecker } from '../../checkers/lock/index.js';
import { perfChecker } from '../../checkers/perf/index.js';
import { sequenceChecker } from '../../checkers/sequence/index.js';
import { splitBrainChecker } from '../../checkers/split-brain/index.js';
import type { Workload } from '../index.js';

export interface Judgement {
  valid: Verdict;
  /** The first anomaly, or why the verdict is unknown. */
  sentence?: string;
}

/** The operations each linearizability model understands. */
export const MODEL_FUNCTIONS: Readonly<Record<string, readonly string[]>> = {
  'cas-register': ['read', 'write', 'cas'],
  register: ['read', 'write'],
  mutex: ['acquire', 'release'],
};

const CHECKERS: Readonly<Record<string, Checker>> = {
  convergence: convergenceChecker as Checker,
  fencing: fencingChecker as Checker,
  lock: lockChecker as Checker,
  perf: perfChecker as Checker,
  sequence: sequenceChecker as Checker,
  'split-brain': splitBrainChecker as Checker,
};

export function judge(name: string, input: CheckerInput): Judgement {
  if (name.startsWith('linearizability:')) {
    const modelName = name.slice('linearizability:'.length);
    const functions = new Set(MODEL_FUNCTIONS[modelName] ?? []);
    const operations = input.operations.filter((operation) => functions.has(operation.f));
    const result = checkLinearizable(createModel(modelName), operations, { nowMs: () => 0 });
    const sentence = result.counterexample?.sentence ?? result.reason;
    return { valid: result.valid, ...(sentence === undefined ? {} : { sentence }) };
  }
  const checker = CHECKERS[name];
  if (checker === undefined) throw new Error(`no checker named ${name}`);
  const result = runChecker(checker, input, {});
  const sentence = result.sentence ?? result.reason;
  return { valid: result.valid, ...(sentence === undefined ? {} : { sentence }) };
}

/** Each of the workload's checkers' judgement, by checker name. */
export function judgeWorkload(workload: Workload, input: CheckerInput): Record<string, Judgement> {
  return Object.fromEntries(workload.checkers.map((name) => [name, judge(name, input)]));
}
