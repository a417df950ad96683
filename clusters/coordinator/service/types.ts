/**
 * The data of the coordination service: znodes, stats, operations, the
 * commands the engine replicates, and their results. Everything here is plain
 * JSON data, because commands travel through the engine's log and the whole
 * state travels in snapshots.
 */
import type { Address } from '../world.js';
import type { Position } from '../engine.js';

/** The engine position of the entry that made a change; ZooKeeper's zxid. */
export type Zxid = Position;

/** ZooKeeper's error codes, by their names in KeeperException.Code. */
export type ErrorCode =
  | 'NONODE'
  | 'NODEEXISTS'
  | 'BADVERSION'
  | 'NOTEMPTY'
  | 'NOCHILDRENFOREPHEMERALS'
  | 'BADARGUMENTS'
  | 'SESSIONEXPIRED'
  /** A multi's operation that was not applied because another one failed. */
  | 'RUNTIMEINCONSISTENCY';

export const ERROR_CODES: readonly ErrorCode[] = [
  'NONODE',
  'NODEEXISTS',
  'BADVERSION',
  'NOTEMPTY',
  'NOCHILDRENFOREPHEMERALS',
  'BADARGUMENTS',
  'SESSIONEXPIRED',
  'RUNTIMEINCONSISTENCY',
];

export interface Stat {
  czxid: Zxid;
  mzxid: Zxid;
  /** Zxid of the last change to this node's children. */
  pzxid: Zxid;
  /** Changes to the data. */
  version: number;
  /** Changes to the children; also the next sequential suffix. */
  cversion: number;
  /** Owning session for ephemeral nodes, 0 for persistent ones. */
  ephemeralOwner: number;
  /** Bytes of the data in UTF-8. */
  dataLength: number;
  numChildren: number;
}

/** ZooKeeper's jute.maxbuffer default: data larger than this is refused. */
export const MAX_DATA_BYTES = 1024 * 1024;

/** Expected version that matches any version. */
export const ANY_VERSION = -1;

export type CreateOperation = {
  type: 'create';
  path: string;
  data: string;
  ephemeral?: boolean;
  sequential?: boolean;
};
export type DeleteOperation = { type: 'delete'; path: string; version: number };
export type SetDataOperation = { type: 'setData'; path: string; data: string; version: number };
/** Only inside a multi: fails the batch unless the node has this version. */
export type CheckOperation = { type: 'check'; path: string; version: number };
export type MultiStep = CreateOperation | DeleteOperation | SetDataOperation | CheckOperation;
export type MultiOperation = { type: 'multi'; operations: MultiStep[] };

export type WriteOperation = CreateOperation | DeleteOperation | SetDataOperation | MultiOperation;

export type ReadOperation =
  | { type: 'exists'; path: string }
  | { type: 'getData'; path: string }
  | { type: 'getChildren'; path: string };

/** How a read is served; chosen per request by the client. */
export type ReadMode = 'linearizable' | 'sequential' | 'lease';
export const READ_MODES: readonly ReadMode[] = ['linearizable', 'sequential', 'lease'];

export type CreateValue = { path: string; stat: Stat };
export type GetDataValue = { data: string; stat: Stat };
export type GetChildrenValue = { children: string[]; stat: Stat };
/** One entry per step of a multi; on failure `error` says what became of the step. */
export type MultiStepResult =
  | { type: 'create'; path: string }
  | { type: 'delete' | 'check' }
  | { type: 'setData'; stat: Stat }
  | { type: 'error'; code: ErrorCode | 'OK' };

export type OperationResult =
  | { ok: true; value: unknown }
  | { ok: false; code: ErrorCode; results?: MultiStepResult[] };

/**
 * Replicated commands. Writes carry (sessionId, requestId) so a command that
 * reaches the log twice (a duplicated or re-forwarded message) applies once.
 */
export type WriteCommand = {
  kind: 'write';
  sessionId: number;
  requestId: number;
  operation: WriteOperation;
};
export type CreateSessionCommand = {
  kind: 'create-session';
  /** Client address and its connection number: a duplicate connect yields the same session. */
  owner: Address;
  connectionId: number;
  timeoutMs: number;
};
export type CloseSessionCommand = { kind: 'close-session'; sessionId: number; requestId: number };
export type ExpireSessionCommand = { kind: 'expire-session'; sessionId: number };

export type ServiceCommand =
  | WriteCommand
  | CreateSessionCommand
  | CloseSessionCommand
  | ExpireSessionCommand;

/** What a committed change means for watches: ZooKeeper's event types. */
export type WatchEventType = 'created' | 'deleted' | 'data-changed' | 'children-changed';
export interface WatchTrigger {
  type: WatchEventType;
  path: string;
  zxid: Zxid;
}

export interface SessionInfo {
  sessionId: number;
  owner: Address;
  timeoutMs: number;
}
