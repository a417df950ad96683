/** The coordination service: state machine, server, and the wire protocol clients speak. */
export { ServiceStateMachine, DEDUP_RESULTS_PER_SESSION, type ApplyOutcome, type OrphanedEphemeral, type ServiceState } from './state-machine.js';
export { CoordinatorServer, type ServerOptions } from './server.js';
export {
  BUG_FOLLOWER_LOCAL_READ,
  BUG_UNREPLICATED_SEQUENCE,
  DEFAULT_SERVICE_TIMING,
  type ServiceTiming,
} from './handlers.js';
export type { ClientRequest, ServerResult, ServiceReason } from './protocol.js';
export * from './types.js';
export { parseSequenceSuffix, pathProblem, sequenceSuffix } from './paths.js';
