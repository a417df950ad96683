/**
 * The service side of a coordinator node: client connections, their ordered
 * message streams and request queues, forwarding to the leader, watches and
 * session liveness. It reacts to three things: messages, the engine applying
 * an entry, and its own session tick.
 *
 * Choices, documented here because clients depend on them:
 * - A follower forwards writes to the leader it knows, then answers once it
 *   has applied the command itself. A write refused before it entered any log
 *   (no leader known, propose refused) fails definitely; one forwarded and
 *   never seen applied gets no answer (the client's timeout, or a reset when
 *   the leader goes, makes it unknown).
 * - One request per connection is served at a time, in order: a connection
 *   sees the effects of its earlier requests, as ZooKeeper guarantees.
 * - Watch events for an entry go out before anything else that happens after
 *   applying it, on the same ordered stream as replies.
 * - A server without a leader stops answering pings and refuses connections
 *   (see hasLeader in handlers.ts): its clients' read timeouts (2/3 of the
 *   session timeout) move them to a server that can keep their sessions. A
 *   follower answers a ping only once the leader acknowledged hearing of its
 *   session (pongs.ts), so a follower cut off from the leader falls silent at
 *   once, not when it notices.
 * - When the leader it knew goes, a server resets the connections that have a
 *   request in flight (see resetOnLeaderLoss): their outcome is unknown now.
 */
import assert from 'node:assert/strict';
import type { ConsensusEngine, Snapshot } from '../engine.js';
import { type Address, type Message, type TimerHandle, type World, monotonicNowMs } from '../world.js';
import type { ApplyOutcome, ServiceStateMachine } from './state-machine.js';
import { OrderedInbox, isClientMessage, type ClientMessage, type PeerMessage, type ServerResult } from './protocol.js';
import { WaitTables, connectionKey, type Connection, type PendingRequest } from './pending.js';
import { WatchManager } from './watches.js';
import { SessionTracker } from './sessions.js';
import { LeaderConfirmedPongs } from './pongs.js';
import { parentPath, parseSequenceSuffix, sequenceSuffix } from './paths.js';
import { BUG_LOCK_SKIPS_LEASE_CHECK, hasLeader, serve, type ServerCore, type ServiceTiming } from './handlers.js';
import { findBugMode } from '../bugs.js';

/** A planted crash: the node process dies when it finds it no longer leads. */
export const BUG_CRASH_ON_LEADER_LOSS = 'crash-on-leader-loss';
assert.ok(findBugMode(BUG_CRASH_ON_LEADER_LOSS) !== undefined, `service bug ${BUG_CRASH_ON_LEADER_LOSS} is missing from bugs.ts`);
import type { ServiceCommand, Stat } from './types.js';

export interface ServerOptions {
  world: World;
  engine: ConsensusEngine;
  state: ServiceStateMachine;
  bugs: ReadonlySet<string>;
  timing: ServiceTiming;
}

const FORWARDABLE_KINDS = new Set(['write', 'create-session', 'close-session']);

export class CoordinatorServer implements ServerCore {
  readonly world: World;
  readonly engine: ConsensusEngine;
  readonly state: ServiceStateMachine;
  readonly bugs: ReadonlySet<string>;
  readonly timing: ServiceTiming;
  readonly watches = new WatchManager();
  readonly waits = new WaitTables();
  readonly tracker: SessionTracker;
  /** A follower's pongs, sent once the leader acknowledged hearing of their sessions (pongs.ts). */
  private readonly pongs = new LeaderConfirmedPongs((connection) => this.pong(connection));
  private readonly connections = new Map<string, Connection>();
  /** When each connection last sent anything, on this server's monotonic clock. */
  private readonly lastHeardMs = new Map<string, number>();
  /** The unreplicated-sequence bug's per-parent counters. */
  private readonly localSequence = new Map<string, number>();
  /** The leader this server knew at its last tick: when it goes, what waits on it will never be answered. */
  private knownLeader: Address | null = null;
  private tickTimer: TimerHandle | null = null;
  private stopped = false;
  /** How deep we are in engine commit callbacks. */
  private applyDepth = 0;

  constructor(options: ServerOptions) {
    ({ world: this.world, engine: this.engine, state: this.state, bugs: this.bugs, timing: this.timing } = options);
    this.tracker = new SessionTracker({
      clock: this.world.clock,
      isLeader: () => this.engine.status().role === 'leader',
      liveSessions: () => this.state.liveSessions(),
      proposeExpiry: (sessionId) => this.engine.propose({ kind: 'expire-session', sessionId }) !== null,
      forwardTouches: (sessionIds) => {
        const leader = this.engine.status().leader;
        if (leader === null || leader === this.world.self) return this.pongs.dropWaiting();
        this.send(leader, { type: 'service.touch', sessionIds, touchId: this.pongs.forwarded(leader) });
      },
    });
  }

  start(): void {
    assert.ok(this.tickTimer === null && !this.stopped, 'server started twice');
    this.scheduleTick();
  }

  stop(): void {
    this.stopped = true;
    if (this.tickTimer !== null) this.world.clock.clearTimer(this.tickTimer);
    this.tickTimer = null;
    for (const connection of [...this.connections.values()]) this.closeConnection(connection);
  }

  connectionCount(): number {
    return this.connections.size;
  }

  receive(from: Address, message: Message): void {
    if (this.stopped) return;
    if (message.type.startsWith('service.')) return this.receivePeer(from, message as PeerMessage);
    if (!isClientMessage(message) || !Number.isInteger(message.connectionId)) return;
    const key = connectionKey(from, message.connectionId);
    let connection = this.connections.get(key);
    if (connection === undefined) {
      if (message.type !== 'client.connect') {
        // This server does not know the connection (it restarted): like a TCP reset.
        this.send(from, { type: 'server.reset', connectionId: message.connectionId });
        return;
      }
      connection = newConnection(key, from, message.connectionId);
      this.connections.set(key, connection);
    }
    this.lastHeardMs.set(key, monotonicNowMs(this.world.clock));
    const ready = connection.inbox.accept(message.seq, message);
    if (ready === false) return this.closeConnection(connection);
    for (const next of ready) if (!connection.closed) this.deliver(connection, next);
  }

  /** Called after the state machine applied an entry; order matters (see the file comment). */
  applied(outcome: ApplyOutcome): void {
    this.applyDepth += 1;
    try {
      this.announce(outcome);
    } finally {
      this.applyDepth -= 1;
    }
  }

  private announce(outcome: ApplyOutcome): void {
    for (const trigger of outcome.triggers) {
      for (const key of this.watches.fire(trigger)) {
        const connection = this.connections.get(key);
        if (connection !== undefined) this.sendToClient(connection, { type: 'server.watch', event: trigger });
      }
    }
    this.waits.applied(outcome);
    for (const sessionId of outcome.endedSessions) this.sessionEnded(sessionId);
    this.waits.reached(outcome.position);
  }

  /** Wraps a snapshot install: watches and sessions learn what changed wholesale. */
  installSnapshot(snapshot: Snapshot): void {
    const paths = this.watches.watchedPaths();
    const statsBefore = new Map(paths.map((path) => [path, this.statOf(path)]));
    const sessionsBefore = this.state.liveSessions().map((session) => session.sessionId);
    this.state.installSnapshot(snapshot);
    const triggers = this.watches.differences(
      (path) => statsBefore.get(path) ?? null,
      (path) => this.statOf(path),
      snapshot.position,
    );
    const ended = sessionsBefore.filter((sessionId) => this.state.session(sessionId) === null);
    this.applied({ position: snapshot.position, requestKey: null, result: null, duplicate: false, triggers, endedSessions: ended });
  }

  answer(request: PendingRequest, result: ServerResult): void {
    if (request.done) return;
    const message = request.message;
    const requestId = message.type === 'client.request' ? message.requestId : 0;
    this.sendToClient(request.connection, { type: 'server.reply', requestId, result, zxid: this.state.appliedPosition });
    this.finish(request);
  }

  finish(request: PendingRequest): void {
    if (request.done) return;
    request.done = true;
    if (request.deadline !== null) this.world.clock.clearTimer(request.deadline);
    for (const cleanup of request.cleanups) cleanup();
    const queue = request.connection.queue;
    assert.equal(queue[0], request, 'only the head of a connection queue is served');
    queue.shift();
    const next = queue[0];
    if (request.connection.closed || next === undefined) return;
    if (this.applyDepth === 0) return this.begin(next);
    // Inside the engine's commit callback: a propose now would re-enter the engine, so start after it returns.
    this.world.clock.setTimer(0, () => {
      if (!next.connection.closed && !next.done && next.deadline === null && queue[0] === next) this.begin(next);
    });
  }

  /** Numbers the message on the connection's stream; it must be a fresh object, as it is completed in place. */
  sendToClient(connection: Connection, message: Record<string, unknown> & { type: string }): void {
    if (connection.closed) return;
    // In place rather than a spread copy: every reply goes through here.
    message.connectionId = connection.connectionId;
    message.seq = connection.nextSendSeq++;
    this.send(connection.client, message);
  }

  closeConnection(connection: Connection): void {
    if (connection.closed) return;
    connection.closed = true;
    this.connections.delete(connection.key);
    this.lastHeardMs.delete(connection.key);
    this.watches.removeConnection(connection.key);
    for (const request of connection.queue) {
      request.done = true;
      if (request.deadline !== null) this.world.clock.clearTimer(request.deadline);
      for (const cleanup of request.cleanups) cleanup();
    }
    connection.queue = [];
  }

  resetConnection(connection: Connection): void {
    this.send(connection.client, { type: 'server.reset', connectionId: connection.connectionId });
    this.closeConnection(connection);
  }

  submit(command: ServiceCommand): ServerResult | null {
    const status = this.engine.status();
    if (status.role === 'leader') {
      return this.engine.propose(command) === null ? { ok: false, reason: 'not-leader', leaderHint: null } : null;
    }
    if (status.leader !== null && status.leader !== this.world.self) {
      this.send(status.leader, { type: 'service.forward', command });
      return null;
    }
    return { ok: false, reason: 'no-leader', leaderHint: null };
  }

  localSequentialPath(path: string): string | null {
    const parent = parentPath(path);
    let counter = this.localSequence.get(parent);
    if (counter === undefined) {
      const next = this.state.nextSequentialPath(path);
      if (next === null) return null;
      counter = parseSequenceSuffix(next) as number;
    }
    this.localSequence.set(parent, counter + 1);
    return path + sequenceSuffix(counter);
  }

  private statOf(path: string): Stat | null {
    const result = this.state.read({ type: 'exists', path });
    return result.ok ? (result.value as Stat | null) : null;
  }

  private deliver(connection: Connection, message: ClientMessage): void {
    if (connection.sessionId !== null) this.tracker.touch(connection.sessionId);
    if (message.type === 'client.ping') {
      // Silence, not a reset: a short election passes unnoticed, a lasting loss of the leader does not.
      // The lock-skips-lease-check bug: a server that cannot renew the session still answers its keepalives.
      if (this.bugs.has(BUG_LOCK_SKIPS_LEASE_CHECK) || (connection.sessionId === null && hasLeader(this)) || this.engine.status().role === 'leader') {
        this.pong(connection);
      } else if (hasLeader(this)) {
        this.pongs.ping(connection);
      }
      return;
    }
    const request: PendingRequest = { connection, message, done: false, deadline: null, cleanups: [] };
    connection.queue.push(request);
    if (connection.queue.length === 1) this.begin(request);
  }

  private pong(connection: Connection): void {
    this.sendToClient(connection, { type: 'server.pong', zxid: this.state.appliedPosition });
  }

  private begin(request: PendingRequest): void {
    const message = request.message;
    const asked = message.type === 'client.request' && Number.isFinite(message.timeoutMs) ? message.timeoutMs : Infinity;
    const limitMs = Math.max(0, Math.min(asked, this.timing.maxRequestMs));
    request.deadline = this.world.clock.setTimer(limitMs, () => {
      request.deadline = null;
      this.finish(request);
    });
    if (message.type === 'client.request' && request.connection.sessionId === null) {
      return this.answer(request, { ok: false, reason: 'session-expired' });
    }
    serve(this, request);
  }

  private sessionEnded(sessionId: number): void {
    this.tracker.sessionEnded(sessionId);
    // The lock-skips-lease-check bug: as an etcd lease, the session ends unannounced and its connections are served on.
    if (this.bugs.has(BUG_LOCK_SKIPS_LEASE_CHECK)) return;
    for (const connection of [...this.connections.values()]) {
      if (connection.sessionId !== sessionId) continue;
      this.sendToClient(connection, { type: 'server.session-expired' });
      this.closeConnection(connection);
    }
  }

  private receivePeer(from: Address, message: PeerMessage): void {
    switch (message.type) {
      case 'service.forward': {
        const command = message.command;
        if (command === null || typeof command !== 'object' || !FORWARDABLE_KINDS.has(command.kind)) return;
        if (this.engine.status().role !== 'leader' || this.engine.propose(command) === null) {
          this.world.log(`dropped a command forwarded by ${from}: not the leader`);
        }
        return;
      }
      case 'service.read-index':
        return this.answerReadIndex(from, message.readId);
      case 'service.read-index-reply':
        return this.waits.readIndexAnswered(message.readId, message.ok === true, message.position, message.reason);
      case 'service.touch':
        if (!Array.isArray(message.sessionIds) || this.engine.status().role !== 'leader') return;
        this.tracker.touchedElsewhere(message.sessionIds);
        return this.send(from, { type: 'service.touch-ack', touchId: message.touchId });
      case 'service.touch-ack':
        return this.pongs.acknowledged(from, message.touchId);
      case 'service.revalidate': {
        const live = this.state.session(message.sessionId) !== null && this.tracker.revalidate(message.sessionId);
        return this.send(from, { type: 'service.read-index-reply', readId: message.readId, ok: live, position: 0, reason: live ? '' : 'session-expired' });
      }
      default:
        return;
    }
  }

  private answerReadIndex(from: Address, readId: number): void {
    const reply = (ok: boolean, position: number, reason: string): void =>
      this.send(from, { type: 'service.read-index-reply', readId, ok, position, reason });
    if (this.engine.status().role !== 'leader') return reply(false, 0, 'not-leader');
    this.engine.readBarrier((result) => (result.ok ? reply(true, result.position, '') : reply(false, 0, result.reason)));
  }

  private scheduleTick(): void {
    this.tickTimer = this.world.clock.setTimer(this.timing.sessionTickMs, () => {
      if (this.stopped) return;
      this.tracker.tick();
      if (this.engine.status().role === 'leader') this.pongs.answerWaiting();
      this.resetOnLeaderLoss();
      this.closeIdleConnections();
      this.scheduleTick();
    });
  }

  /**
   * When the leader this server knew is gone (or replaced), requests in flight
   * wait on it: a write forwarded there, a read waiting for its read index. Like
   * ZooKeeper, which closes its clients' connections when it stops following,
   * reset those connections, so their clients learn at once that the outcome
   * is unknown and go elsewhere, instead of waiting out their request timeout.
   * Idle connections stay: a short election still passes unnoticed for them.
   */
  private resetOnLeaderLoss(): void {
    const leader = this.engine.status().leader;
    const lost = this.knownLeader !== null && leader !== this.knownLeader;
    if (lost && this.knownLeader === this.world.self && this.bugs.has(BUG_CRASH_ON_LEADER_LOSS)) {
      assert.fail(`${this.world.self} lost its leadership, but leader state only exists on a leader (bug ${BUG_CRASH_ON_LEADER_LOSS})`);
    }
    this.knownLeader = leader;
    if (!lost) return;
    for (const connection of [...this.connections.values()]) {
      if (connection.queue.length > 0) this.resetConnection(connection);
    }
  }

  /** A client that went elsewhere leaves its connection behind; ZooKeeper drops such sockets too. */
  private closeIdleConnections(): void {
    const now = monotonicNowMs(this.world.clock);
    for (const connection of [...this.connections.values()]) {
      const session = connection.sessionId === null ? null : this.state.session(connection.sessionId);
      const idleLimitMs = session?.timeoutMs ?? this.timing.maxRequestMs;
      if (now - (this.lastHeardMs.get(connection.key) ?? now) > idleLimitMs) this.closeConnection(connection);
    }
  }

  private send(to: Address, message: Message): void {
    this.world.transport.send(to, message);
  }
}

function newConnection(key: string, client: Address, connectionId: number): Connection {
  return {
    key,
    client,
    connectionId,
    sessionId: null,
    inbox: new OrderedInbox<ClientMessage>(),
    nextSendSeq: 0,
    queue: [],
    closed: false,
  };
}
