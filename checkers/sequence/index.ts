/** Sequences: unique ids, no gaps completed operations left, real-time order. */
export {
  checkSequence,
  sequenceChecker,
  describeSequenceAnomaly,
  sequenceShape,
  type DuplicateId,
  type OrderViolation,
  type SequenceAnomaly,
  type SequenceOptions,
  type SequenceResult,
} from './check.js';
export { findGaps, type SequenceGap } from './gaps.js';
export { parseId, describeRanges, type IdHolder, type IssuedId } from './ids.js';
