/** Ephemerals after recovery: none may outlive its session. */
export { checkEphemerals, describeOrphan, ephemeralsChecker, type EphemeralsResult, type FinalEphemerals, type NodeEphemerals, type OrphanEphemeral } from './check.js';
