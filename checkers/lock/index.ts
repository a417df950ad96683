/** Lock safety (no two holders at once) and fencing (no stale token accepted). */
export {
  checkLock,
  lockChecker,
  overlapsOf,
  holdsOfKey,
  describeOverlap,
  overlapShape,
  type LockOptions,
  type LockOverlap,
  type LockResult,
} from './check.js';
export {
  checkFencing,
  fencingChecker,
  describeStale,
  staleShape,
  type FencingOptions,
  type FencingResult,
  type StaleToken,
  type TokenWrite,
} from './fencing.js';
export { holdsOf, chooseSource, type Hold, type HoldSource, type HoldsOfKey } from './holds.js';
