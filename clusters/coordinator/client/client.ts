/**
 * The coordinator's client library: an Endpoint at a client address that
 * keeps one session over one connection at a time, moving to the next server
 * when a connection is lost (as ZooKeeper's client does).
 *
 * Every call completes exactly once, through its callback, within the event
 * (message or timer) that decides it: synchronous callbacks suit a
 * single-threaded simulator that does not drain microtasks between events.
 * `call` wraps the same in a Promise for code that awaits. A call is sent at
 * most once and never retried: when its answer does not come in time the
 * outcome is info (unknown); a call never sent (no connection in time) fails.
 */
import assert from 'node:assert/strict';
import { type Address, type Clock, type Endpoint, type Message, type Random, type TimerHandle, type Transport, monotonicNowMs } from '../world.js';
import { OrderedInbox, isServerMessage, type ClientRequest, type ServerMessage } from '../service/protocol.js';
import type { Callback, ClientState, Outcome, WatchEvent } from './types.js';
import { ClientWatchers } from './watchers.js';
import { TimerSet } from '../engines/shared/timers.js';

export interface ClientOptions {
  self: Address;
  servers: readonly Address[];
  transport: Transport;
  clock: Clock;
  sessionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** How long one server gets to accept a connection before the next one is tried. */
  connectTimeoutMs?: number;
  /** Pause before trying the next server, so a cluster refusing everyone is not flooded. */
  reconnectDelayMs?: number;
  /** Index into servers of the first server to try (the harness spreads clients). */
  firstServerIndex?: number;
  /**
   * Picks where connection numbers start. Give it wherever a client may be
   * restarted at the same address: a server knows a connection by (address,
   * number), and would take a restarted client's connection 1 for its
   * predecessor's, sessions included. Without it numbers start at 1.
   */
  random?: Random;
  log?(line: string): void;
}

export interface CallOptions {
  timeoutMs?: number;
  /** For reads: sets a one-shot watch and receives its event. */
  onWatch?: (event: WatchEvent) => void;
}

interface PendingCall {
  requestId: number;
  request: ClientRequest;
  callback: Callback;
  timer: TimerHandle;
  deadlineMs: number;
  /** The connection it was sent on; null while it waits for one. */
  sentOn: number | null;
  onWatch: ((event: WatchEvent) => void) | undefined;
}

interface LiveConnection {
  id: number;
  server: Address;
  nextSeq: number;
  inbox: OrderedInbox<ServerMessage>;
  established: boolean;
  timers: TimerHandle[];
  /** The read timeout, pushed back by every message from the server. */
  readTimer: TimerSet;
}

/** ZooKeeper's Disconnected and Expired: what a holder of ephemerals must hear about at once. */
export type SessionEvent = 'connection-lost' | 'session-expired';

/** Random first connection numbers stay below this, leaving room to count up as safe integers. */
const CONNECTION_ID_START_LIMIT = 2 ** 40;

export class CoordinatorClient implements Endpoint {
  readonly self: Address;
  private readonly servers: readonly Address[];
  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly requestTimeoutMs: number;
  private readonly connectTimeoutMs: number;
  private readonly reconnectDelayMs: number;
  private readonly log: (line: string) => void;
  private sessionTimeoutMs: number;
  private clientState: ClientState = 'idle';
  private session: number | null = null;
  private lastZxidSeen = 0;
  private connection: LiveConnection | null = null;
  private serverIndex: number;
  private nextConnectionId: number;
  private nextRequestId = 1;
  /** In request order, so calls queued while disconnected go out in order. */
  private readonly pending = new Map<number, PendingCall>();
  private connectWaiters: Array<{ callback: Callback<{ sessionId: number }>; timer: TimerHandle }> = [];
  private readonly watchers = new ClientWatchers();
  private reconnectTimer: TimerHandle | null = null;
  private readonly sessionListeners: Array<(event: SessionEvent) => void> = [];

  constructor(options: ClientOptions) {
    assert.ok(options.servers.length > 0, 'a client needs at least one server');
    this.self = options.self;
    this.servers = [...options.servers];
    this.transport = options.transport;
    this.clock = options.clock;
    this.sessionTimeoutMs = options.sessionTimeoutMs ?? 5000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 2000;
    this.connectTimeoutMs = options.connectTimeoutMs ?? 1000;
    this.reconnectDelayMs = options.reconnectDelayMs ?? 100;
    // As ZooKeeper's client shuffles its connect string: with a source of chance and no
    // first server given, clients spread over the servers instead of all piling onto one.
    this.serverIndex = options.firstServerIndex ?? (options.random === undefined ? 0 : options.random.integer(0, this.servers.length));
    this.nextConnectionId = options.random === undefined ? 1 : options.random.integer(1, CONNECTION_ID_START_LIMIT);
    this.log = options.log ?? (() => {});
  }

  get state(): ClientState {
    return this.clientState;
  }

  get sessionId(): number | null {
    return this.session;
  }

  /** The server of the current connection, if any. */
  get server(): Address | null {
    return this.connection?.server ?? null;
  }

  /**
   * Calls `listener` whenever the connection is lost (the session, and its
   * ephemerals, may be ending unseen) and when the session expires (they are
   * gone). Called within the event that decided it, after pending calls completed.
   */
  onSessionEvent(listener: (event: SessionEvent) => void): void {
    this.sessionListeners.push(listener);
  }

  /** Opens a session; info timeout when no server accepted in time (a session may exist). */
  connect(callback: Callback<{ sessionId: number }>, timeoutMs = this.connectTimeoutMs * this.servers.length): void {
    if (this.clientState === 'connected') return callback({ type: 'ok', value: { sessionId: this.session as number } });
    if (this.clientState === 'expired') return callback({ type: 'fail', reason: 'session-expired' });
    if (this.clientState === 'closed') return callback({ type: 'fail', reason: 'not-connected' });
    const waiter = {
      callback,
      timer: this.clock.setTimer(timeoutMs, () => {
        this.connectWaiters = this.connectWaiters.filter((other) => other !== waiter);
        if (this.clientState === 'connecting' && this.session === null && this.connectWaiters.length === 0) {
          this.abandonConnection();
          this.clientState = 'idle';
        }
        callback({ type: 'info', reason: 'timeout' });
      }),
    };
    this.connectWaiters.push(waiter);
    if (this.clientState === 'idle') this.openConnection();
  }

  submit(request: ClientRequest, callback: Callback, options: CallOptions = {}): void {
    if (this.clientState === 'expired') return callback({ type: 'fail', reason: 'session-expired' });
    if (this.clientState === 'closed' || this.clientState === 'idle') return callback({ type: 'fail', reason: 'not-connected' });
    const timeoutMs = options.timeoutMs ?? this.requestTimeoutMs;
    const watched = request.type === 'read' && options.onWatch !== undefined;
    const call: PendingCall = {
      requestId: this.nextRequestId++,
      request: request.type === 'read' ? { ...request, watch: watched } : request,
      callback,
      timer: this.clock.setTimer(timeoutMs, () => this.timeOut(call)),
      deadlineMs: monotonicNowMs(this.clock) + timeoutMs,
      sentOn: null,
      onWatch: watched ? options.onWatch : undefined,
    };
    this.pending.set(call.requestId, call);
    if (this.connection?.established === true) this.send(call);
  }

  call(request: ClientRequest, options: CallOptions = {}): Promise<Outcome> {
    return new Promise((resolve) => this.submit(request, resolve, options));
  }

  /** Closes the session (its ephemerals go at once) and then the client. */
  close(callback: Callback = () => {}): void {
    this.submit({ type: 'close-session' }, (outcome) => {
      this.stop();
      callback(outcome);
    });
  }

  /** Ends everything locally; outstanding calls complete as they must (sent: info). */
  stop(): void {
    if (this.clientState === 'closed') return;
    this.clientState = 'closed';
    this.endConnection('connection-lost', 'not-connected', { type: 'connection-lost' });
  }

  receive(from: Address, message: Message): void {
    const connection = this.connection;
    if (connection === null || !isServerMessage(message) || from !== connection.server) return;
    if (message.connectionId !== connection.id) return;
    if (message.type === 'server.reset') return this.connectionLost('reset by server');
    const ready = connection.inbox.accept(message.seq as number, message as unknown as ServerMessage);
    if (ready === false) return this.connectionLost('too many messages out of order');
    for (const next of ready) {
      if (this.connection !== connection) return;
      this.handle(connection, next);
    }
  }

  private handle(connection: LiveConnection, message: ServerMessage): void {
    if ('zxid' in message && message.zxid > this.lastZxidSeen) this.lastZxidSeen = message.zxid;
    // Only these vouch that the leader heard of the session (service/pongs.ts); a cut-off follower still answers reads.
    if (message.type === 'server.pong' || message.type === 'server.connected') this.armReadTimer(connection);
    switch (message.type) {
      case 'server.connected':
        return this.established(connection, message.sessionId, message.timeoutMs);
      case 'server.reply': {
        const call = this.pending.get(message.requestId);
        if (call === undefined || call.sentOn !== connection.id) return;
        const { result } = message;
        let outcome: Outcome = { type: 'ok', value: result.ok ? result.value : null };
        if (!result.ok) {
          outcome = { type: 'fail', reason: result.reason };
          if (result.leaderHint !== undefined) outcome.leaderHint = result.leaderHint;
          if (result.results !== undefined) outcome.results = result.results;
        }
        if (outcome.type === 'ok' && call.onWatch !== undefined) this.addWatcher(call, call.onWatch);
        return this.complete(call, outcome);
      }
      case 'server.watch':
        return this.watchers.deliver(message.event);
      case 'server.session-expired':
        return this.expire();
      default:
        return;
    }
  }

  private established(connection: LiveConnection, sessionId: number, timeoutMs: number): void {
    assert.ok(this.session === null || this.session === sessionId, 'server moved us to another session');
    connection.established = true;
    for (const timer of connection.timers) this.clock.clearTimer(timer);
    connection.timers = [];
    this.session = sessionId;
    this.sessionTimeoutMs = timeoutMs;
    this.clientState = 'connected';
    this.schedulePing(connection);
    const waiters = this.connectWaiters;
    this.connectWaiters = [];
    for (const waiter of waiters) {
      this.clock.clearTimer(waiter.timer);
      waiter.callback({ type: 'ok', value: { sessionId } });
    }
    for (const call of [...this.pending.values()]) if (call.sentOn === null && this.connection === connection) this.send(call);
  }

  private openConnection(): void {
    const server = this.servers[this.serverIndex % this.servers.length] as Address;
    const connection: LiveConnection = {
      id: this.nextConnectionId++,
      server,
      nextSeq: 1,
      inbox: new OrderedInbox<ServerMessage>(),
      established: false,
      timers: [],
      readTimer: new TimerSet(this.clock),
    };
    this.connection = connection;
    this.clientState = 'connecting';
    connection.timers.push(this.clock.setTimer(this.connectTimeoutMs, () => this.connectionLost('connect timed out')));
    this.transport.send(server, {
      type: 'client.connect',
      connectionId: connection.id,
      seq: 0,
      sessionId: this.session,
      sessionTimeoutMs: this.sessionTimeoutMs,
      lastZxidSeen: this.lastZxidSeen,
    });
  }

  private connectionLost(why: string): void {
    const connection = this.connection;
    if (connection === null) return;
    this.log(`connection ${connection.id} to ${connection.server} lost: ${why}`);
    this.endConnection('connection-lost', null, { type: 'connection-lost' });
    // A call it ended may have stopped the client (close() after an unknown close-session): no reconnecting then,
    // or the session, and its ephemerals, would live on with nobody using them.
    if (this.clientState === 'closed') return;
    this.serverIndex += 1;
    const wanted = this.session !== null || this.connectWaiters.length > 0;
    if (!wanted) {
      this.clientState = 'idle';
      return;
    }
    this.clientState = 'connecting';
    this.reconnectTimer = this.clock.setTimer(this.reconnectDelayMs, () => {
      this.reconnectTimer = null;
      if (this.clientState === 'connecting' && this.connection === null) this.openConnection();
    });
    if (this.session !== null) this.tell('connection-lost');
  }

  private expire(): void {
    this.clientState = 'expired';
    this.endConnection('connection-lost', 'session-expired', { type: 'session-expired' });
    this.tell('session-expired');
  }

  private tell(event: SessionEvent): void {
    for (const listener of [...this.sessionListeners]) listener(event);
  }

  /**
   * Drops the connection: sent calls become info, unsent ones fail with
   * `unsentReason` (or keep waiting for the next connection when null).
   */
  private endConnection(
    sentReason: 'connection-lost',
    unsentReason: 'not-connected' | 'session-expired' | null,
    watchEvent: { type: 'connection-lost' | 'session-expired' },
  ): void {
    this.abandonConnection();
    for (const call of [...this.pending.values()]) {
      if (call.sentOn !== null) this.complete(call, { type: 'info', reason: sentReason });
      else if (unsentReason !== null) this.complete(call, { type: 'fail', reason: unsentReason });
    }
    this.watchers.endAll(watchEvent.type);
    if (unsentReason !== null) {
      const waiters = this.connectWaiters;
      this.connectWaiters = [];
      for (const waiter of waiters) {
        this.clock.clearTimer(waiter.timer);
        waiter.callback({ type: 'fail', reason: unsentReason });
      }
    }
  }

  private abandonConnection(): void {
    const connection = this.connection;
    this.connection = null;
    if (this.reconnectTimer !== null) this.clock.clearTimer(this.reconnectTimer);
    this.reconnectTimer = null;
    if (connection === null) return;
    for (const timer of connection.timers) this.clock.clearTimer(timer);
    connection.readTimer.stop();
    connection.timers = [];
  }

  private send(call: PendingCall): void {
    const connection = this.connection;
    assert.ok(connection !== null && connection.established && call.sentOn === null, 'send needs an open connection');
    call.sentOn = connection.id;
    this.transport.send(connection.server, {
      type: 'client.request',
      connectionId: connection.id,
      seq: connection.nextSeq++,
      requestId: call.requestId,
      timeoutMs: Math.max(0, call.deadlineMs - monotonicNowMs(this.clock)),
      request: call.request,
    });
  }

  private timeOut(call: PendingCall): void {
    if (!this.pending.has(call.requestId)) return;
    this.pending.delete(call.requestId);
    call.callback(call.sentOn === null ? { type: 'fail', reason: 'not-connected' } : { type: 'info', reason: 'timeout' });
  }

  private complete(call: PendingCall, outcome: Outcome): void {
    if (!this.pending.delete(call.requestId)) assert.fail(`call ${call.requestId} completed twice`);
    this.clock.clearTimer(call.timer);
    call.callback(outcome);
  }

  private addWatcher(call: PendingCall, onWatch: (event: WatchEvent) => void): void {
    if (call.request.type !== 'read') return;
    const kind = call.request.operation.type === 'getChildren' ? 'child' : 'data';
    this.watchers.add(kind, call.request.operation.path, onWatch);
  }

  /** No pong in 2/3 of the session timeout means the connection is dead (ZooKeeper's read timeout, reset by any message there). */
  private armReadTimer(connection: LiveConnection): void {
    const readTimeoutMs = Math.max(1, Math.floor((this.sessionTimeoutMs * 2) / 3));
    connection.readTimer.extend('read', readTimeoutMs, () => {
      if (this.connection === connection) this.connectionLost('read timed out');
    });
  }

  private schedulePing(connection: LiveConnection): void {
    const intervalMs = Math.max(1, Math.floor(this.sessionTimeoutMs / 3));
    const timer = this.clock.setTimer(intervalMs, () => {
      if (this.connection !== connection) return;
      connection.timers = connection.timers.filter((other) => other !== timer);
      this.transport.send(connection.server, { type: 'client.ping', connectionId: connection.id, seq: connection.nextSeq++ });
      this.schedulePing(connection);
    });
    connection.timers.push(timer);
  }
}
