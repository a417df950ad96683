/** Convergence: replicas agree after recovery, and no acknowledged write is missing. */
export {
  checkConvergence,
  convergenceChecker,
  describeConvergence,
  convergenceShape,
  type ConvergenceAnomaly,
  type ConvergenceOptions,
  type ConvergenceResult,
  type Divergence,
  type LostWrite,
  type UnwrittenValue,
} from './check.js';
export { canonical, keyWrites, registerWrittenValue, type KeyWrites, type WrittenValue } from './register.js';
