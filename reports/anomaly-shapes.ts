/**
 * An anomaly's shape and sentence, in its checker's own words: each checker
 * exports a function that says what kind of anomaly it is without the run's
 * particulars (keys, values, times, node and process names) and one that
 * explains it; this file only picks them by the checker's name, as the
 * report's anomaly views do. Nothing here restates a checker's rule.
 */
import { convergenceShape, describeConvergence, type ConvergenceAnomaly } from '../checkers/convergence/index.js';
import { crashShape, describeCrash, type NodeCrash } from '../checkers/crash/index.js';
import { describeOrphan, orphanShape, type OrphanEphemeral } from '../checkers/ephemerals/index.js';
import { linearizabilityShape, type Counterexample } from '../checkers/linearizability/counterexample.js';
import { observedAnomaly } from '../checkers/linearizability/explain.js';
import { describeOverlap, describeStale, overlapShape, staleShape, type LockOverlap, type StaleToken } from '../checkers/lock/index.js';
import { backInTimeShape, describeBackInTime, describeInventedValue, inventedValueShape, SEQUENTIAL_READS, WRITTEN_VALUES, type BackInTime, type InventedValue } from '../checkers/read-promises/index.js';
import { CONSENSUS_INVARIANTS, invariantShape } from '../common/invariant-violation.js';
import { describeSequenceAnomaly, sequenceShape, type SequenceAnomaly } from '../checkers/sequence/index.js';
import { describeSplitBrain, splitBrainShape, type SplitBrainAnomaly } from '../checkers/split-brain/index.js';

interface Explainer {
  shape(anomaly: never): string;
  describe(anomaly: never): string;
}

const EXPLAINERS: Record<string, Explainer> = {
  crash: { shape: (anomaly: NodeCrash) => crashShape(anomaly), describe: (anomaly: NodeCrash) => describeCrash(anomaly) },
  ephemerals: { shape: (anomaly: OrphanEphemeral) => orphanShape(anomaly), describe: (anomaly: OrphanEphemeral) => describeOrphan(anomaly) },
  lock: { shape: (anomaly: LockOverlap) => overlapShape(anomaly), describe: (anomaly: LockOverlap) => describeOverlap(anomaly) },
  fencing: { shape: (anomaly: StaleToken) => staleShape(anomaly), describe: (anomaly: StaleToken) => describeStale(anomaly) },
  sequence: { shape: (anomaly: SequenceAnomaly) => sequenceShape(anomaly), describe: (anomaly: SequenceAnomaly) => describeSequenceAnomaly(anomaly) },
  'split-brain': { shape: (anomaly: SplitBrainAnomaly) => splitBrainShape(anomaly), describe: (anomaly: SplitBrainAnomaly) => describeSplitBrain(anomaly) },
  convergence: { shape: (anomaly: ConvergenceAnomaly) => convergenceShape(anomaly), describe: (anomaly: ConvergenceAnomaly) => describeConvergence(anomaly) },
  [SEQUENTIAL_READS]: { shape: (anomaly: BackInTime) => backInTimeShape(anomaly), describe: (anomaly: BackInTime) => describeBackInTime(anomaly) },
  [WRITTEN_VALUES]: { shape: (anomaly: InventedValue) => inventedValueShape(anomaly), describe: (anomaly: InventedValue) => describeInventedValue(anomaly) },
  // The simulator's broken invariant is stored as its message.
  [CONSENSUS_INVARIANTS]: { shape: (message: string) => invariantShape(message), describe: (message: string) => message },
};

const LINEARIZABILITY: Explainer = {
  shape: (anomaly: Counterexample) => linearizabilityShape(anomaly),
  describe: (anomaly: Counterexample) => anomaly.sentence,
};

/** One shape a checker found in a run, with the sentence of the first anomaly of that shape. */
export interface ShapedAnomaly {
  shape: string;
  sentence: string;
}

/** The shape a violation gets when its anomalies cannot be read (another tool's results, an older faultline). */
export const UNREADABLE_SHAPE = 'a violation whose anomalies this faultline cannot read';

function explainerOf(checker: string): Explainer | undefined {
  // "linearizability:cas-register" and the other models share one explainer.
  return checker.startsWith('linearizability') ? LINEARIZABILITY : EXPLAINERS[checker];
}

/** True when the checker names its anomalies' shapes (perf finds no violations, so it names none). */
export function namesShapes(checker: string): boolean {
  return explainerOf(checker) !== undefined;
}

/**
 * The distinct shapes among one checker's anomalies in one run, in the order
 * found; a checker that failed with no readable anomaly gives one unreadable shape.
 */
export function shapesOf(checker: string, anomalies: unknown, fallbackSentence: string): ShapedAnomaly[] {
  const explainer = explainerOf(checker);
  const found = new Map<string, string>();
  if (explainer !== undefined && Array.isArray(anomalies)) {
    for (const anomaly of anomalies) {
      if (anomaly === null || (typeof anomaly !== 'object' && typeof anomaly !== 'string')) continue;
      try {
        const shape = explainer.shape(anomaly as never);
        if (!found.has(shape)) found.set(shape, explainer.describe(anomaly as never));
      } catch {
        // A stored anomaly of an unexpected form: counted below as unreadable.
      }
    }
  }
  if (found.size === 0) return [{ shape: UNREADABLE_SHAPE, sentence: fallbackSentence }];
  return [...found].map(([shape, sentence]) => ({ shape, sentence }));
}

/**
 * A shape as shrink compares it: the same anomaly, whichever operation
 * observed it (a stale value a read returned or a cas expected, explain.ts
 * observedAnomaly); every other checker's shape as it is.
 */
export function comparedShape(checker: string, shape: string): string {
  return explainerOf(checker) === LINEARIZABILITY ? observedAnomaly(shape) : shape;
}
