/** Lock safety (no two holders at once) and fencing (no stale token accepted). */
export {
  checkLock,
  lockChecker,
  overlapsOf,
  holdsOfKey,
  describeOverlap,
  type LockOptions,
  type LockOverlap,
  type LockResult,
} from './check.js';
export {
  checkFencing,
  fencingChecker,
  describeStale,
  type FencingOptions,
  type FencingResult,
  type StaleToken,
  type TokenWrite,
} from './fencing.js';
export { holdsOf, chooseSource, type Hold, type HoldSource, type HoldsOfKey } from './holds.js';
