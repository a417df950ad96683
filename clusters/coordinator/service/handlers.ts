/**
 * What a server does with each kind of client request. Writes go through the
 * engine (proposed here on the leader, forwarded to the leader otherwise) and
 * are answered when this server applies them, so a client always reads its own
 * writes on the server it talks to. Reads are served in the mode the client
 * chose. A request is answered at most once and never retried here.
 */
import assert from 'node:assert/strict';
import type { ConsensusEngine } from '../engine.js';
import { findBugMode } from '../bugs.js';
import type { World } from '../world.js';
import { connectKey, requestKey, type ServiceStateMachine } from './state-machine.js';
import type { ConnectMessage, RequestMessage, ServerMessage, ServerResult } from './protocol.js';
import type { Connection, PendingRequest, WaitTables } from './pending.js';
import type { WatchManager } from './watches.js';
import type { SessionTracker } from './sessions.js';
import { isValidPath } from './paths.js';
import { byteLength } from './tree.js';
import { MAX_DATA_BYTES } from './types.js';
import type {
  MultiStep,
  OperationResult,
  ReadOperation,
  ServiceCommand,
  SessionInfo,
  WriteOperation,
} from './types.js';

export const BUG_FOLLOWER_LOCAL_READ = 'follower-local-read';
export const BUG_UNREPLICATED_SEQUENCE = 'unreplicated-sequence';
/** etcd-io/etcd#11456: the lock path never checks that the holder's session (its lease) still lives. */
export const BUG_LOCK_SKIPS_LEASE_CHECK = 'lock-skips-lease-check';
for (const name of [BUG_FOLLOWER_LOCAL_READ, BUG_UNREPLICATED_SEQUENCE, BUG_LOCK_SKIPS_LEASE_CHECK]) {
  assert.ok(findBugMode(name) !== undefined, `service bug ${name} is missing from bugs.ts`);
}

export interface ServiceTiming {
  /** How often the leader looks for expired sessions and followers report their sessions. */
  sessionTickMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  /** The longest a server keeps working on one request, whatever the client's timeout. */
  maxRequestMs: number;
}

export const DEFAULT_SERVICE_TIMING: ServiceTiming = {
  sessionTickMs: 100,
  minSessionTimeoutMs: 1000,
  maxSessionTimeoutMs: 60_000,
  maxRequestMs: 10_000,
};

/** The parts of a server the handlers use. */
export interface ServerCore {
  readonly world: World;
  readonly engine: ConsensusEngine;
  readonly state: ServiceStateMachine;
  readonly bugs: ReadonlySet<string>;
  readonly timing: ServiceTiming;
  readonly watches: WatchManager;
  readonly waits: WaitTables;
  readonly tracker: SessionTracker;
  /** Replies and finishes the request. */
  answer(request: PendingRequest, result: ServerResult): void;
  /** Finishes the request without a reply: its outcome stays unknown to the client. */
  finish(request: PendingRequest): void;
  /** Numbers and sends a freshly built message (completed in place). */
  sendToClient(connection: Connection, message: DistributiveOmit<ServerMessage, 'seq' | 'connectionId'>): void;
  closeConnection(connection: Connection): void;
  /** Tells the client its connection is gone, as a TCP reset would, and closes it: the client goes elsewhere. */
  resetConnection(connection: Connection): void;
  /** Proposes or forwards; a result when the command certainly entered no log. */
  submit(command: ServiceCommand): ServerResult | null;
  /** The unreplicated-sequence bug: a sequential name from a counter of this node only. */
  localSequentialPath(path: string): string | null;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * True while this server is part of a working ensemble: it leads, or follows
 * a leader it knows. A server without one (looking, a candidate, a deposed
 * leader) takes no connection and answers no ping, as ZooKeeper's servers
 * drop their clients when they lose the leader. Otherwise a client could sit
 * on a server cut off from the quorum, hearing pongs, while the leader
 * expires its session unheard-from and hands its ephemerals (its lock) to
 * others; silent, the server lets the client's read timeout move it to a
 * server that keeps its session alive, and tell its holder the lock is in
 * doubt (Disconnected) before the session can expire.
 */
export function hasLeader(core: Pick<ServerCore, 'engine' | 'world'>): boolean {
  const status = core.engine.status();
  return status.role === 'leader' || (status.leader !== null && status.leader !== core.world.self);
}

export function serve(core: ServerCore, request: PendingRequest): void {
  const message = request.message;
  if (message.type === 'client.connect') return connect(core, request, message);
  if (message.type !== 'client.request') return core.finish(request);
  const clientRequest = message.request;
  switch (clientRequest?.type) {
    case 'write':
      return write(core, request, message, clientRequest.operation);
    case 'read':
      return read(core, request, clientRequest.operation, clientRequest.mode, clientRequest.watch === true);
    case 'sync':
      return barrier(core, request, () => core.answer(request, { ok: true, value: { zxid: core.state.appliedPosition } }));
    case 'close-session':
      return closeSession(core, request, message);
    default:
      return core.answer(request, { ok: false, reason: 'bad-request' });
  }
}

export function toServerResult(result: OperationResult): ServerResult {
  if (result.ok) return { ok: true, value: result.value };
  return result.results === undefined
    ? { ok: false, reason: result.code }
    : { ok: false, reason: result.code, results: result.results };
}

function connect(core: ServerCore, request: PendingRequest, message: ConnectMessage): void {
  const connection = request.connection;
  const attach = (session: SessionInfo): void => {
    connection.sessionId = session.sessionId;
    core.tracker.touch(session.sessionId);
    const zxid = core.state.appliedPosition;
    core.sendToClient(connection, { type: 'server.connected', sessionId: session.sessionId, timeoutMs: session.timeoutMs, zxid });
    core.finish(request);
  };
  const { minSessionTimeoutMs, maxSessionTimeoutMs } = core.timing;
  const asked = Number.isFinite(message.sessionTimeoutMs) ? Math.round(message.sessionTimeoutMs) : minSessionTimeoutMs;
  const timeoutMs = Math.min(maxSessionTimeoutMs, Math.max(minSessionTimeoutMs, asked));
  if (message.sessionId === null) {
    core.waits.awaitApply(request, connectKey(connection.client, connection.connectionId), (outcome) => {
      if (outcome.result?.ok === true) attach(outcome.result.value as SessionInfo);
      else core.finish(request);
    });
    const owner = connection.client;
    if (core.submit({ kind: 'create-session', owner, connectionId: connection.connectionId, timeoutMs }) !== null) {
      // Not serving (no quorum to reach): refuse the connection so the client tries another server.
      core.resetConnection(connection);
    }
    return;
  }
  if (!hasLeader(core)) return core.resetConnection(connection);
  // ZooKeeper's rule: a server behind what the client has seen must catch up before it serves it.
  const lastSeen = Number.isFinite(message.lastZxidSeen) ? message.lastZxidSeen : 0;
  core.waits.whenApplied(request, core.state.appliedPosition, lastSeen, () => {
    const session = core.state.session(message.sessionId as number);
    // The bug: the client's word is taken for a session that expired, so it never learns its lease is gone.
    if (core.bugs.has(BUG_LOCK_SKIPS_LEASE_CHECK)) return attach(session ?? { sessionId: message.sessionId as number, owner: connection.client, timeoutMs });
    if (session === null) return expired(core, connection);
    revalidate(core, request, session.sessionId, (live) => (live ? attach(session) : expired(core, connection)));
  });
}

function expired(core: ServerCore, connection: PendingRequest['connection']): void {
  core.sendToClient(connection, { type: 'server.session-expired' });
  core.closeConnection(connection);
}

/**
 * Asks the leader, which alone expires sessions, whether a reconnecting
 * client's session lives on (ZooKeeper's revalidateSession): a follower's
 * own copy may not yet show an expiry the leader already proposed. Without
 * an answer the connect times out and the client tries another server.
 */
function revalidate(core: ServerCore, request: PendingRequest, sessionId: number, then: (live: boolean) => void): void {
  const status = core.engine.status();
  if (status.role === 'leader') return then(core.tracker.revalidate(sessionId));
  if (status.leader === null || status.leader === core.world.self) return core.resetConnection(request.connection);
  const readId = core.waits.awaitReadIndex(request, (ok, _position, reason) => {
    if (ok || reason === 'session-expired') then(ok);
    else core.resetConnection(request.connection);
  });
  core.world.transport.send(status.leader, { type: 'service.revalidate', readId, sessionId });
}

function write(core: ServerCore, request: PendingRequest, message: RequestMessage, operation: WriteOperation): void {
  const sessionId = request.connection.sessionId as number;
  if (!isWellFormedWrite(operation)) return core.answer(request, { ok: false, reason: 'BADARGUMENTS' });
  const replicated = core.bugs.has(BUG_UNREPLICATED_SEQUENCE) ? nameSequentialLocally(core, operation) : operation;
  core.waits.awaitApply(request, requestKey(sessionId, message.requestId), (outcome) => {
    // A replay whose first result is forgotten: the outcome is unknown, so say nothing.
    if (outcome.result === null) core.finish(request);
    else core.answer(request, toServerResult(outcome.result));
  });
  const refused = core.submit({ kind: 'write', sessionId, requestId: message.requestId, operation: replicated });
  if (refused !== null) core.answer(request, refused);
}

function closeSession(core: ServerCore, request: PendingRequest, message: RequestMessage): void {
  const sessionId = request.connection.sessionId as number;
  core.waits.awaitApply(request, requestKey(sessionId, message.requestId), (outcome) => {
    if (outcome.result === null) core.finish(request);
    else core.answer(request, toServerResult(outcome.result));
  });
  const refused = core.submit({ kind: 'close-session', sessionId, requestId: message.requestId });
  if (refused !== null) core.answer(request, refused);
}

function read(core: ServerCore, request: PendingRequest, operation: ReadOperation, mode: unknown, watch: boolean): void {
  const status = core.engine.status();
  const isLeader = status.role === 'leader';
  const serveNow = (): void => serveRead(core, request, operation, watch);
  switch (mode) {
    case 'sequential':
      return serveNow();
    case 'linearizable':
      // The bug: a follower trusts its own, possibly stale, applied state.
      if (!isLeader && core.bugs.has(BUG_FOLLOWER_LOCAL_READ)) return serveNow();
      return barrier(core, request, serveNow);
    case 'lease':
      if (!isLeader) return core.answer(request, { ok: false, reason: 'not-leader', leaderHint: status.leader });
      if (!core.engine.leaseValid()) return core.answer(request, { ok: false, reason: 'lease-expired' });
      return core.waits.whenApplied(request, core.state.appliedPosition, status.commitPosition, serveNow);
    default:
      return core.answer(request, { ok: false, reason: 'bad-request' });
  }
}

function serveRead(core: ServerCore, request: PendingRequest, operation: ReadOperation, watch: boolean): void {
  const result = core.state.read(operation);
  if (watch && result.ok) {
    // As ZooKeeper: exists watches a missing node for its creation; the others need the node.
    const kind = operation.type === 'getChildren' ? 'child' : 'data';
    if (operation.type === 'exists' || result.value !== null) {
      core.watches.add(kind, operation.path, request.connection.key);
    }
  }
  core.answer(request, toServerResult(result));
}

/**
 * Waits until this server has applied everything committed before the call:
 * the leader confirms its leadership with a quorum (readBarrier); a follower
 * asks the leader for that position (a read index) and catches up to it.
 */
function barrier(core: ServerCore, request: PendingRequest, then: () => void): void {
  const status = core.engine.status();
  const catchUp = (ok: boolean, position: number, reason: string): void => {
    if (!ok) {
      core.world.log(`read barrier failed: ${reason}`);
      return core.answer(request, { ok: false, reason: 'barrier-failed', leaderHint: status.leader });
    }
    core.waits.whenApplied(request, core.state.appliedPosition, position, then);
  };
  if (status.role === 'leader') {
    core.engine.readBarrier((result) => {
      if (request.done) return;
      if (result.ok) catchUp(true, result.position, '');
      else catchUp(false, 0, result.reason);
    });
    return;
  }
  if (status.leader === null || status.leader === core.world.self) {
    return core.answer(request, { ok: false, reason: 'no-leader', leaderHint: null });
  }
  const readId = core.waits.awaitReadIndex(request, catchUp);
  core.world.transport.send(status.leader, { type: 'service.read-index', readId });
}

function nameSequentialLocally(core: ServerCore, operation: WriteOperation): WriteOperation {
  const rename = <T extends WriteOperation | MultiStep>(step: T): T => {
    if (step.type !== 'create' || step.sequential !== true) return step;
    const path = core.localSequentialPath(step.path);
    return path === null ? step : { ...step, path, sequential: false };
  };
  if (operation.type === 'multi') return { ...operation, operations: operation.operations.map(rename) };
  return rename(operation);
}

function isWellFormedWrite(operation: WriteOperation): boolean {
  if (operation === null || typeof operation !== 'object') return false;
  if (operation.type === 'multi') {
    return Array.isArray(operation.operations) && operation.operations.every((step) => isWellFormedStep(step));
  }
  return isWellFormedStep(operation) && (operation as MultiStep).type !== 'check';
}

function isWellFormedStep(step: MultiStep): boolean {
  if (step === null || typeof step !== 'object' || !isValidPath(step.path)) return false;
  switch (step.type) {
    case 'create':
      return isAcceptableData(step.data);
    case 'setData':
      return isAcceptableData(step.data) && Number.isInteger(step.version);
    case 'delete':
    case 'check':
      return Number.isInteger(step.version);
    default:
      return false;
  }
}

/** Refused here rather than replicated only to be refused by every replica. */
function isAcceptableData(data: unknown): boolean {
  return typeof data === 'string' && byteLength(data) <= MAX_DATA_BYTES;
}
