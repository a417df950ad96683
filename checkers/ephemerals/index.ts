/** Ephemerals after recovery: none may outlive its session. */
export { checkEphemerals, describeOrphan, ephemeralsChecker, orphanShape, type EphemeralsResult, type FinalEphemerals, type NodeEphemerals, type OrphanEphemeral } from './check.js';
