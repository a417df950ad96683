/**
 * The bundled coordinator: a ZooKeeper-like service over a ZAB or Raft
 * engine. Hosts build nodes with createCoordinatorNode and clients with
 * CoordinatorClient; both only need what a World offers.
 */
export {
  createCoordinatorNode,
  DEFAULT_COORDINATOR_TIMING,
  type CoordinatorNode,
  type CoordinatorNodeOptions,
  type CoordinatorTiming,
  type EngineFactory,
  type ServiceView,
} from './node.js';
export * from './client/index.js';
export {
  BUG_FOLLOWER_LOCAL_READ,
  BUG_UNREPLICATED_SEQUENCE,
  DEFAULT_SERVICE_TIMING,
  type ServiceTiming,
} from './service/index.js';
export type {
  ErrorCode,
  GetChildrenValue,
  GetDataValue,
  MultiStep,
  ReadMode,
  Stat,
  WatchTrigger,
} from './service/types.js';
export type { ConsensusEngine, EngineKind, EngineStatus } from './engine.js';
export type { Address, Endpoint, World } from './world.js';
