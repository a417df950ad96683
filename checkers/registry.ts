/**
 * Checkers by the names workloads use ("linearizability:cas-register",
 * "lock", "sequence", ...), so a run's checks are data in its config.
 */
import { UsageError } from '../common/errors.js';
import { runChecker, type CheckerInput, type CheckerResult } from './checker.js';
import { convergenceChecker } from './convergence/index.js';
import { crashChecker } from './crash/index.js';
import { ephemeralsChecker } from './ephemerals/index.js';
import { linearizabilityChecker } from './linearizability/checker.js';
import { MODEL_NAMES } from './linearizability/models/index.js';
import { fencingChecker, lockChecker } from './lock/index.js';
import { perfChecker } from './perf/index.js';
import { sequenceChecker } from './sequence/index.js';
import { splitBrainChecker } from './split-brain/index.js';
import { sequentialReadsChecker, SEQUENTIAL_READS, writtenValuesChecker, WRITTEN_VALUES } from './read-promises/index.js';

export interface CheckLimits {
  timeoutMs?: number;
  maxCacheBytes?: number;
}

type Runner = (input: CheckerInput, limits: CheckLimits) => CheckerResult;

const runners: Record<string, Runner> = {
  lock: (input) => runChecker(lockChecker, input, {}),
  fencing: (input) => runChecker(fencingChecker, input, {}),
  sequence: (input) => runChecker(sequenceChecker, input, { firstId: 0 }),
  'split-brain': (input) => runChecker(splitBrainChecker, input, {}),
  convergence: (input) => runChecker(convergenceChecker, input, {}),
  perf: (input) => runChecker(perfChecker, input, {}),
  crash: (input) => runChecker(crashChecker, input, {}),
  ephemerals: (input) => runChecker(ephemeralsChecker, input, {}),
  [SEQUENTIAL_READS]: (input) => runChecker(sequentialReadsChecker, input, {}),
  [WRITTEN_VALUES]: (input) => runChecker(writtenValuesChecker, input, {}),
};
/** Operations a model judges; a lock history also records critical sections, which the mutex model does not know. */
const MODEL_FUNCTIONS: Readonly<Record<string, readonly string[]>> = { mutex: ['acquire', 'release'] };
/**
 * Why the mutex model and lock safety can disagree, said where they do: the
 * model judges the grants, and a holder that never heard its lock was taken
 * back still holds it there, as Jepsen judges lease-based locks.
 */
const MODEL_VIOLATION_NOTES: Readonly<Record<string, string>> = {
  mutex:
    '. The mutex model judges the lock service\'s grants as the clients saw them: a grant before the last holder released ' +
    'the lock, or was told it lost it (a session or lease that expired unheard-of), means two holders; lock safety ' +
    'judges only what holders did inside their critical sections',
};

for (const model of MODEL_NAMES) {
  const functions = MODEL_FUNCTIONS[model];
  runners[`linearizability:${model}`] = (input, limits) => {
    const operations = functions === undefined ? input.operations : input.operations.filter((operation) => functions.includes(operation.f));
    const result = runChecker(linearizabilityChecker, { ...input, operations }, { model, ...limits });
    const note = MODEL_VIOLATION_NOTES[model];
    return result.valid === false && note !== undefined && result.sentence !== undefined ? { ...result, sentence: result.sentence + note } : result;
  };
}

export const CHECKER_NAMES: readonly string[] = Object.keys(runners);

/** Runs one named checker; a checker that throws gives unknown, as the protocol says. */
export function runNamedChecker(name: string, input: CheckerInput, limits: CheckLimits = {}): CheckerResult {
  const runner = runners[name];
  if (runner === undefined) {
    throw new UsageError(`unknown checker "${name}"`, { hint: `checkers are: ${CHECKER_NAMES.join(', ')}` });
  }
  const result = runner(input, limits);
  // Keyed by the name asked for, so two linearizability checks with different models stay apart.
  return { ...result, checker: name };
}
