/**
 * The replicated state machine: the znode tree plus sessions, a deterministic
 * function of the committed command sequence. Every replica that applied the
 * same entries holds the same state, so followers can answer from it and a
 * snapshot of it can replace a lagging replica's state.
 */
import assert from 'node:assert/strict';
import type { LogEntry, Position, Snapshot } from '../engine.js';
import type { Address } from '../world.js';
import { hashString } from '../../../common/random.js';
import { findBugMode } from '../bugs.js';
import { DataTree, failure, type Journal, type MutationContext, type TreeSnapshot } from './tree.js';
import { isValidPath } from './paths.js';
import type {
  CreateSessionCommand,
  MultiStep,
  MultiStepResult,
  OperationResult,
  ReadOperation,
  SessionInfo,
  Stat,
  WatchTrigger,
  WriteOperation,
} from './types.js';

/**
 * The bug modelled on ZOOKEEPER-2355: a session's end applied late, across a
 * leader change, keeps the session's ephemerals, which then outlive it for good.
 */
export const BUG_EPHEMERAL_OUTLIVES_SESSION = 'ephemeral-outlives-session';
assert.ok(findBugMode(BUG_EPHEMERAL_OUTLIVES_SESSION) !== undefined, `service bug ${BUG_EPHEMERAL_OUTLIVES_SESSION} is missing from bugs.ts`);

/** How many results per session are kept to answer a replayed command. */
export const DEDUP_RESULTS_PER_SESSION = 64;

interface SessionRecord extends SessionInfo {
  connectionId: number;
  lastRequestId: number;
  /** [requestId, result] of the most recent writes, oldest first. */
  recentResults: Array<[number, OperationResult]>;
}

export interface ServiceState {
  tree: TreeSnapshot;
  /** Sorted by session id. */
  sessions: SessionRecord[];
}

/** What applying one entry did, for the server that may be waiting on it. */
export interface ApplyOutcome {
  position: Position;
  /** Identifies the request that proposed the command (see requestKey and connectKey). */
  requestKey: string | null;
  /**
   * The command's result; null when it was a replay whose first result is no
   * longer remembered, so the outcome is unknown and nobody may claim one.
   */
  result: OperationResult | null;
  /** True when the command had already been applied and changed nothing now. */
  duplicate: boolean;
  triggers: WatchTrigger[];
  /** Sessions this entry closed or expired. */
  endedSessions: number[];
}

/** An ephemeral node whose owner session the replica holding it no longer has. */
export interface OrphanedEphemeral {
  path: string;
  owner: number;
  /** The replica's applied position when it was seen. */
  position: Position;
}

export function requestKey(sessionId: number, requestId: number): string {
  return `request:${sessionId}:${requestId}`;
}

export function connectKey(owner: Address, connectionId: number): string {
  return `connect:${owner}:${connectionId}`;
}

export class ServiceStateMachine {
  private tree = new DataTree();
  private sessions = new Map<number, SessionRecord>();
  private sessionsByConnection = new Map<string, number>();
  private position: Position = 0;
  private epoch = 0;
  /** The digest of the state as it is; cleared by whatever changes the state (apply, installSnapshot). */
  private cachedDigest: string | undefined;
  /** orphanedEphemeral's answer for the state as it is (null: none); cleared with the digest. */
  private cachedOrphan: OrphanedEphemeral | null | undefined;

  /** Whether the entry being applied reaches this replica only after a newer leader took over. */
  private lateAcrossLeaderChange = false;

  constructor(private readonly bugs: ReadonlySet<string> = new Set()) {}

  get appliedPosition(): Position {
    return this.position;
  }

  /** engineEpoch: the engine's epoch as it delivers the entry, later than the entry's own after a leader change. */
  apply(entry: LogEntry, engineEpoch = entry.epoch): ApplyOutcome {
    if (!(entry.position > this.position)) assert.fail(`entry ${entry.position} applied after ${this.position}`);
    this.stateChanged();
    this.lateAcrossLeaderChange = engineEpoch > entry.epoch;
    this.position = entry.position;
    this.epoch = entry.epoch;
    const command = entry.command;
    const outcome: ApplyOutcome = {
      position: entry.position,
      requestKey: null,
      result: null,
      duplicate: false,
      triggers: [],
      endedSessions: [],
    };
    switch (command.kind) {
      case 'write':
      case 'close-session':
        this.applySessionRequest(command, outcome);
        break;
      case 'create-session':
        this.applyCreateSession(command as unknown as CreateSessionCommand, outcome);
        break;
      case 'expire-session':
        if (this.sessions.has(command.sessionId as number)) {
          outcome.result = this.endSession(command.sessionId as number, outcome);
        }
        break;
      default:
        // Engines may commit entries of their own (a new leader's no-op): not ours.
        break;
    }
    return outcome;
  }

  read(operation: ReadOperation): OperationResult {
    switch (operation.type) {
      case 'exists':
        if (!isValidPath(operation.path)) return failure('BADARGUMENTS');
        return { ok: true, value: this.tree.stat(operation.path) };
      case 'getData':
        return this.tree.getData(operation.path);
      case 'getChildren':
        return this.tree.getChildren(operation.path);
      default:
        return failure('BADARGUMENTS');
    }
  }

  /** The path a sequential create would get on this replica now (for the unreplicated-sequence bug). */
  nextSequentialPath(path: string): string | null {
    return isValidPath(path) && path !== '/' ? this.tree.nextSequentialPath(path) : null;
  }

  session(sessionId: number): SessionInfo | null {
    const record = this.sessions.get(sessionId);
    return record === undefined ? null : sessionInfo(record);
  }

  liveSessions(): SessionInfo[] {
    return [...this.sessions.values()].map(sessionInfo);
  }

  ephemeralsOf(sessionId: number): string[] {
    return this.tree.ephemeralsOf(sessionId);
  }

  /** Every ephemeral node with its owner session, in path order, for the final-state check. */
  ephemerals(): Array<{ path: string; owner: number }> {
    return this.tree.ephemeralNodes();
  }

  /**
   * A snapshot shares nothing mutable with the live state: the tree snapshot
   * is built fresh and session records are copied (their remembered results
   * are never changed once made, so those are shared).
   */
  takeSnapshot(): Snapshot {
    const sessions = [...this.sessions.values()].sort((a, b) => a.sessionId - b.sessionId).map(copySessionRecord);
    const state: ServiceState = { tree: this.tree.toSnapshot(), sessions };
    return { position: this.position, epoch: this.epoch, state };
  }

  installSnapshot(snapshot: Snapshot): void {
    const state = snapshot.state as ServiceState;
    assert.ok(state !== null && typeof state === 'object' && Array.isArray(state.sessions), 'bad snapshot');
    this.stateChanged();
    this.tree = DataTree.fromSnapshot(state.tree);
    this.sessions = new Map(state.sessions.map((record) => [record.sessionId, copySessionRecord(record)]));
    this.sessionsByConnection = new Map(
      state.sessions.map((record) => [connectKey(record.owner, record.connectionId), record.sessionId]),
    );
    this.position = snapshot.position;
    this.epoch = snapshot.epoch;
  }

  /**
   * A short fingerprint of the whole state, for convergence checks between
   * replicas. Kept until the state changes: the simulator asks after every
   * event while it waits for replicas that may never agree (a planted bug).
   */
  digest(): string {
    if (this.cachedDigest !== undefined) return this.cachedDigest;
    const snapshot = this.takeSnapshot();
    this.cachedDigest = `${snapshot.position}:${hashString(JSON.stringify(snapshot.state)).toString(16)}`;
    return this.cachedDigest;
  }

  /**
   * An ephemeral node whose owner session this replica no longer has, or null.
   * Ending a session deletes its ephemerals in the same entry, and only a live
   * session creates one, so a correct replica never holds one at any moment.
   * Kept until the state changes, as the digest is: the simulator asks after every step.
   */
  orphanedEphemeral(): OrphanedEphemeral | null {
    if (this.cachedOrphan !== undefined) return this.cachedOrphan;
    this.cachedOrphan = null;
    for (const owner of this.tree.ephemeralOwners()) {
      if (this.sessions.has(owner)) continue;
      this.cachedOrphan = { path: this.tree.ephemeralsOf(owner)[0] as string, owner, position: this.position };
      break;
    }
    return this.cachedOrphan;
  }

  private stateChanged(): void {
    this.cachedDigest = undefined;
    this.cachedOrphan = undefined;
  }

  private applySessionRequest(command: LogEntry['command'], outcome: ApplyOutcome): void {
    const sessionId = command.sessionId as number;
    const requestId = command.requestId as number;
    outcome.requestKey = requestKey(sessionId, requestId);
    const session = this.sessions.get(sessionId);
    if (session === undefined) {
      outcome.result = failure('SESSIONEXPIRED');
      return;
    }
    if (requestId <= session.lastRequestId) {
      // A replay, or a request overtaken by a later one: never applied now.
      outcome.duplicate = true;
      const remembered = session.recentResults.find(([id]) => id === requestId);
      outcome.result = remembered === undefined ? null : remembered[1];
      return;
    }
    session.lastRequestId = requestId;
    const result =
      command.kind === 'close-session'
        ? this.endSession(sessionId, outcome)
        : this.applyWrite(command.operation as WriteOperation, sessionId, outcome);
    session.recentResults.push([requestId, result]);
    if (session.recentResults.length > DEDUP_RESULTS_PER_SESSION) session.recentResults.shift();
    outcome.result = result;
  }

  private applyCreateSession(command: CreateSessionCommand, outcome: ApplyOutcome): void {
    const key = connectKey(command.owner, command.connectionId);
    outcome.requestKey = key;
    const existing = this.sessionsByConnection.get(key);
    if (existing !== undefined) {
      outcome.duplicate = true;
      outcome.result = { ok: true, value: sessionInfo(this.sessions.get(existing) as SessionRecord) };
      return;
    }
    if (!Number.isInteger(command.timeoutMs) || command.timeoutMs <= 0) {
      outcome.result = failure('BADARGUMENTS');
      return;
    }
    // The entry's position is unique and the same on every replica: a fine session id.
    const record: SessionRecord = {
      sessionId: outcome.position,
      owner: command.owner,
      timeoutMs: command.timeoutMs,
      connectionId: command.connectionId,
      lastRequestId: 0,
      recentResults: [],
    };
    assert.ok(record.sessionId > 0 && !this.sessions.has(record.sessionId), 'session id reused');
    this.sessions.set(record.sessionId, record);
    this.sessionsByConnection.set(key, record.sessionId);
    outcome.result = { ok: true, value: sessionInfo(record) };
  }

  private endSession(sessionId: number, outcome: ApplyOutcome): OperationResult {
    const record = this.sessions.get(sessionId);
    if (record === undefined) assert.fail(`ending unknown session ${sessionId}`);
    const context: MutationContext = { zxid: outcome.position, journal: null, triggers: outcome.triggers };
    // The bug, as ZOOKEEPER-2355's follower: a session's end that reaches this replica only as it catches up
    // after a leader change drops the session but keeps its ephemerals, which nothing deletes afterwards.
    const keepEphemerals = this.lateAcrossLeaderChange && this.bugs.has(BUG_EPHEMERAL_OUTLIVES_SESSION);
    if (!keepEphemerals) this.tree.deleteEphemerals(sessionId, context);
    this.sessions.delete(sessionId);
    this.sessionsByConnection.delete(connectKey(record.owner, record.connectionId));
    outcome.endedSessions.push(sessionId);
    assert.ok(keepEphemerals || this.tree.ephemeralsOf(sessionId).length === 0, 'ephemerals outlived their session');
    return { ok: true, value: null };
  }

  private applyWrite(operation: WriteOperation, sessionId: number, outcome: ApplyOutcome): OperationResult {
    if (operation?.type === 'multi') return this.applyMulti(operation.operations, sessionId, outcome);
    const context: MutationContext = { zxid: outcome.position, journal: null, triggers: [] };
    const result = this.applyStep(operation, sessionId, context);
    if (result.ok) outcome.triggers.push(...context.triggers);
    return result;
  }

  /** All or nothing: the first failing step rolls back the ones before it. */
  private applyMulti(steps: MultiStep[], sessionId: number, outcome: ApplyOutcome): OperationResult {
    if (!Array.isArray(steps)) return failure('BADARGUMENTS');
    const context: MutationContext = { zxid: outcome.position, journal: [], triggers: [] };
    const results: MultiStepResult[] = [];
    for (const [index, step] of steps.entries()) {
      const result = this.applyStep(step, sessionId, context);
      if (!result.ok) {
        for (const undo of (context.journal as Journal).reverse()) undo();
        const errors: MultiStepResult[] = steps.map((_, other) => ({
          type: 'error',
          code: other < index ? 'OK' : other === index ? result.code : 'RUNTIMEINCONSISTENCY',
        }));
        return { ok: false, code: result.code, results: errors };
      }
      results.push(multiStepResult(step, result.value));
    }
    outcome.triggers.push(...context.triggers);
    return { ok: true, value: results };
  }

  private applyStep(step: WriteOperation | MultiStep, sessionId: number, context: MutationContext): OperationResult {
    switch (step?.type) {
      case 'create':
        return this.tree.create(step, sessionId, context);
      case 'delete':
        return this.tree.delete(step, context);
      case 'setData':
        return this.tree.setData(step, context);
      case 'check':
        return this.tree.check(step);
      default:
        return failure('BADARGUMENTS');
    }
  }
}

function multiStepResult(step: MultiStep, value: unknown): MultiStepResult {
  switch (step.type) {
    case 'create':
      return { type: 'create', path: (value as { path: string }).path };
    case 'setData':
      return { type: 'setData', stat: value as Stat };
    default:
      return { type: step.type };
  }
}

function copySessionRecord(record: SessionRecord): SessionRecord {
  return { ...record, recentResults: record.recentResults.slice() };
}

function sessionInfo(record: SessionRecord): SessionInfo {
  return { sessionId: record.sessionId, owner: record.owner, timeoutMs: record.timeoutMs };
}
