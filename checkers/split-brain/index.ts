/** Split brain: two leaders in one epoch, or two leaders acknowledging writes at once. */
export {
  checkSplitBrain,
  splitBrainChecker,
  describeSplitBrain,
  splitBrainShape,
  leaderWrites,
  type WritesWhileLeading,
  type LeaderSpan,
  type LeadersBothWriting,
  type LeadershipOverlap,
  type SameEpochLeaders,
  type SplitBrainAnomaly,
  type SplitBrainOptions,
  type SplitBrainResult,
} from './check.js';
export { leaderships, overlappingLeaderships, DEFAULT_LEADER_ROLES, type Leadership, type LeadershipPair } from './leadership.js';
export { writesByNode, writesWithin, DEFAULT_WRITE_FUNCTIONS, type AcknowledgedWrite } from './writes.js';
