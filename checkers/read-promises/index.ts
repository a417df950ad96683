/** What each read mode promises about register reads, and the checkers that judge the weaker promises. */
export {
  breaksPromise,
  describeExpected,
  describeJudgement,
  isExpectedViolation,
  markExpected,
  planForPromise,
  PROMISE_WORDS,
  READ_PROMISES,
  type PromisePlan,
  type ReadModeJudged,
} from './promises.js';
export { backInTimeShape, checkSequentialReads, describeBackInTime, describeSteps, sequentialReadsChecker, SEQUENTIAL_READS, type BackInTime, type SeenValue, type SequentialOptions, type SequentialResult } from './sequential.js';
export { checkWrittenValues, describeInventedValue, inventedValueShape, writtenValuesChecker, WRITTEN_VALUES, type InventedValue, type WrittenValuesResult } from './written-values.js';
export { certainWriteOrder, MAX_VALUES_PER_KEY, type OrderStep, type WriteOrder } from './write-order.js';
export type { ReadPromise } from '../checker.js';
