/**
 * One node-zookeeper-client session with a deadline on every call.
 *
 * The library has no read timeout (a call to a paused or cut-off server waits
 * until it answers) and queues calls made while disconnected, to send them
 * after a reconnect. So: a call made while not connected is not sent at all
 * (a definite "not-connected"); a call without an answer by its deadline is
 * unknown ("timeout"), and the session is then abandoned (the caller opens a
 * new one) so that nothing it queued is sent later unseen. Retries stay at 0.
 * Nor does the library notice a server that went silent (it pings, but never
 * waits for the answer): like the Java client, a session that heard nothing
 * for two thirds of its timeout counts as disconnected, and its socket is cut
 * so the library connects again (to another server, when it has others).
 */
import zookeeper from 'node-zookeeper-client';
import { syncRequest } from './sync.js';

export type ZooKeeperClient = zookeeper.Client;
export type ZooKeeperStat = zookeeper.Stat;

/** A call's end: its value, a ZooKeeper error code's name (NO_NODE, CONNECTION_LOSS, ...), not sent, or no answer in time. */
export type CallResult<T> = { type: 'ok'; value: T } | { type: 'error'; code: string } | { type: 'not-sent' } | { type: 'timeout' };

export type SessionState = 'connecting' | 'connected' | 'disconnected' | 'expired' | 'closed';

export interface SessionOptions {
  /** host:port of every server; the client picks among them. */
  servers: string[];
  sessionTimeoutMs: number;
  callTimeoutMs: number;
  /** Maps a server address (host) to its node name, for ok outcomes. */
  nodeOfHost: (host: string) => string | undefined;
  /** The last zxid an earlier session of the same client saw: servers behind it refuse this session, so reads never go back in time. */
  lastZxidSeen?: Buffer;
}

/** After close(), the socket is cut if the close-session request has not gone out by then. */
const CLOSE_GRACE_MS = 1_000;

type NodeCallback<T> = (error: Error | zookeeper.Exception | null, value: T) => void;

interface LibrarySocket {
  on(event: 'data', listener: () => void): void;
  destroy(): void;
}

export class ZooKeeperSession {
  readonly client: ZooKeeperClient;
  private currentState: SessionState = 'connecting';
  private readonly listeners = new Set<(state: SessionState) => void>();
  private lastHeardMs = performance.now();
  private readonly heardSockets = new WeakSet<LibrarySocket>();
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly options: SessionOptions) {
    this.client = zookeeper.createClient(options.servers.join(','), { sessionTimeout: options.sessionTimeoutMs, spinDelay: 100, retries: 0 });
    this.client.on('state', (state: zookeeper.State) => this.onState(state));
    if (options.lastZxidSeen !== undefined) this.manager().zxid = Buffer.from(options.lastZxidSeen);
    this.client.connect();
    this.watchdog = setInterval(() => this.checkHeard(), Math.max(50, options.sessionTimeoutMs / 20));
    this.watchdog.unref();
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** The node of the server this session is connected to, when known. */
  get server(): string | undefined {
    const host = (this.socket() as { remoteAddress?: string } | undefined)?.remoteAddress;
    return host === undefined ? undefined : this.options.nodeOfHost(host.replace(/^::ffff:/, ''));
  }

  onStateChange(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Resolves once connected, or false at the deadline or on expiry. */
  awaitConnected(timeoutMs: number): Promise<boolean> {
    if (this.currentState === 'connected') return Promise.resolve(true);
    if (this.currentState === 'expired' || this.currentState === 'closed') return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(false), timeoutMs);
      const stop = this.onStateChange((state) => {
        if (state === 'connected') finish(true);
        else if (state === 'expired' || state === 'closed') finish(false);
      });
      function finish(connected: boolean): void {
        clearTimeout(timer);
        stop();
        resolve(connected);
      }
    });
  }

  /** Runs one library call with the session's deadline; `start` gets the library's node-style callback. */
  call<T>(start: (callback: NodeCallback<T>) => void): Promise<CallResult<T>> {
    if (this.currentState !== 'connected') return Promise.resolve({ type: 'not-sent' });
    return new Promise((resolve) => {
      let settled = false;
      const timer = setTimeout(() => finish({ type: 'timeout' }), this.options.callTimeoutMs);
      function finish(result: CallResult<T>): void {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      }
      start((error, value) => {
        if (error === null || error === undefined) return finish({ type: 'ok', value });
        finish({ type: 'error', code: errorName(error) });
      });
    });
  }

  /** ZooKeeper's sync: the connected server catches up with the leader before it answers. */
  sync(path: string): Promise<CallResult<null>> {
    return this.call<null>((callback) => syncRequest(this.client, path, (error) => callback(error, null)));
  }

  /** Ends the session (its ephemeral nodes go with it); the socket is cut soon after if the close cannot get out. */
  close(): void {
    if (this.currentState === 'closed') return;
    this.setState('closed');
    clearInterval(this.watchdog);
    this.client.close();
    const cut = setTimeout(() => this.socket()?.destroy(), CLOSE_GRACE_MS);
    cut.unref();
  }

  /** The last zxid this session saw (8 bytes), which the library sends when it connects. */
  get lastZxidSeen(): Buffer {
    return Buffer.from(this.manager().zxid);
  }

  private manager(): { socket?: LibrarySocket; zxid: Buffer } {
    return (this.client as unknown as { connectionManager: { socket?: LibrarySocket; zxid: Buffer } }).connectionManager;
  }

  private socket(): LibrarySocket | undefined {
    return this.manager().socket;
  }

  /** Cuts a connection that has been silent for two thirds of the session timeout (the Java client's read timeout). */
  private checkHeard(): void {
    if (this.currentState !== 'connected') return;
    if (performance.now() - this.lastHeardMs <= (this.options.sessionTimeoutMs * 2) / 3) return;
    this.setState('disconnected');
    this.socket()?.destroy();
  }

  private onState(state: zookeeper.State): void {
    if (this.currentState === 'closed' || this.currentState === 'expired') return;
    if (state === zookeeper.State.SYNC_CONNECTED) this.onConnected();
    else if (state === zookeeper.State.DISCONNECTED) this.setState('disconnected');
    else if (state === zookeeper.State.EXPIRED || state === zookeeper.State.AUTH_FAILED) this.setState('expired');
  }

  private onConnected(): void {
    this.lastHeardMs = performance.now();
    const socket = this.socket();
    if (socket !== undefined && !this.heardSockets.has(socket)) {
      this.heardSockets.add(socket);
      socket.on('data', () => (this.lastHeardMs = performance.now()));
    }
    this.setState('connected');
  }

  private setState(state: SessionState): void {
    if (state === 'expired') clearInterval(this.watchdog);
    this.currentState = state;
    for (const listener of [...this.listeners]) listener(state);
  }
}

/** The name of a ZooKeeper error code (NO_NODE, BAD_VERSION, ...), or the error's message. */
export function errorName(error: Error | zookeeper.Exception): string {
  if (error instanceof zookeeper.Exception) return error.getName();
  return error.message;
}

/** Stat's 64-bit fields are 8-byte big-endian buffers. */
export function statNumber(field: Buffer): number {
  return Number(field.readBigInt64BE(0));
}
