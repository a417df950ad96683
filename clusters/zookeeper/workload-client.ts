/**
 * Apache ZooKeeper speaks the workload vocabularies (workloads/*.ts) through
 * node-zookeeper-client, one WorkloadClient per worker process, with the
 * outcomes of the bundled coordinator's client (clusters/coordinator/
 * workload-client.ts): nothing is retried, a call never sent fails
 * "not-connected", a call without an answer ends info. After a timeout the
 * session is abandoned and the next operation opens a new one, as it does
 * after the session expired (an expired client fails every call forever).
 *
 *   read, write, cas     recipes.ts on /registers/<key>
 *   next                 recipes.ts on /sequences/<key>
 *   acquire, release     lock.ts on /locks/<key>; acquire's value is { path, token }
 *   enter, exit          answered here: enter fails "lock-lost" when the
 *                        session that held the lock is gone, "lock-in-doubt"
 *                        while disconnected (it may be expiring unseen)
 *   write-resource       recipes.ts on /resources/<key>
 *
 * A release that did not succeed ends info, never fail (see the coordinator's
 * client for why). Ok outcomes name the server the session is connected to.
 */
import assert from 'node:assert/strict';
import type { OperationOutcome, OperationRequest, WorkloadClient } from '../../workloads/index.js';
import { acquireLock, releaseLock } from './lock.js';
import { needsNewSession, OperationEnded } from './outcomes.js';
import { casRegister, nextInSequence, readRegister, writeRegister, writeResource, type ZooKeeperReadMode } from './recipes.js';
import type { ZooKeeperSession } from './session.js';

export interface ZooKeeperWorkloadOptions {
  /**
   * A new session (already connecting): called at once, and again after
   * expiry or a timeout, with the last zxid the old session saw, so the new
   * one never reads from a server behind what this client has seen.
   */
  open(lastZxidSeen?: Buffer): ZooKeeperSession;
  readMode?: ZooKeeperReadMode;
  /** A waiting acquire ends info after this long. */
  acquireTimeoutMs?: number;
  /** Told when the worker closes this client. */
  onClose?: () => void;
  /** How long an operation waits for its session to (re)connect before it fails "not-connected". */
  connectWaitMs?: number;
}

type Done = (outcome: OperationOutcome) => void;

interface HeldLock {
  session: ZooKeeperSession;
  path: string;
}

const DEFAULT_ACQUIRE_TIMEOUT_MS = 10_000;
const DEFAULT_CONNECT_WAIT_MS = 2_000;

export function zookeeperWorkloadClient(options: ZooKeeperWorkloadOptions): WorkloadClient {
  return new ZooKeeperWorkloadClient(options);
}

export class ZooKeeperWorkloadClient implements WorkloadClient {
  private session: ZooKeeperSession;
  private readonly held = new Map<string, HeldLock>();
  private wake: () => void = () => {};
  private closed = false;

  constructor(private readonly options: ZooKeeperWorkloadOptions) {
    this.session = this.openSession();
  }

  invoke(request: OperationRequest, done: Done): void {
    assert.ok(!this.closed, 'invoke after close');
    const key = request.key ?? '0';
    if (request.f === 'enter') {
      const trouble = this.lockTrouble(key);
      return done(trouble === null ? { type: 'ok', value: null } : { type: 'fail', error: trouble });
    }
    if (request.f === 'exit') return done({ type: 'ok', value: null });
    if (request.f === 'release' && !this.held.has(key)) return done({ type: 'fail', error: 'not-held' });
    const session = this.liveSession();
    this.run(session, request, key).then(done, (error: unknown) => done({ type: 'info', error: `client-error: ${String(error)}` }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.onClose?.();
    this.session.close();
  }

  onWake(wake: () => void): void {
    this.wake = wake;
  }

  /** True while this client holds a lock it knows is lost or in doubt. */
  urgent(): boolean {
    for (const key of this.held.keys()) if (this.lockTrouble(key) !== null) return true;
    return false;
  }

  private async run(session: ZooKeeperSession, request: OperationRequest, key: string): Promise<OperationOutcome> {
    if (request.f === 'release') return this.release(key);
    if (!(await session.awaitConnected(this.options.connectWaitMs ?? DEFAULT_CONNECT_WAIT_MS))) return { type: 'fail', error: 'not-connected' };
    try {
      const value = await this.perform(session, request, key);
      return { type: 'ok', value, ...this.servedBy(session) };
    } catch (error) {
      if (!(error instanceof OperationEnded)) throw error;
      if (needsNewSession(error.outcome)) session.close();
      return error.outcome;
    }
  }

  private async perform(session: ZooKeeperSession, request: OperationRequest, key: string): Promise<unknown> {
    switch (request.f) {
      case 'read':
        return readRegister(session, key, this.options.readMode ?? 'sync');
      case 'write':
        return writeRegister(session, key, request.value as number);
      case 'cas': {
        const [from, to] = request.value as [number, number];
        return casRegister(session, key, from, to);
      }
      case 'next':
        return nextInSequence(session, key);
      case 'acquire': {
        if (this.held.has(key)) throw new OperationEnded({ type: 'fail', error: 'unexpected-state' });
        const lock = await acquireLock(session, key, this.options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS);
        this.held.set(key, { session, path: lock.path });
        return lock;
      }
      case 'write-resource':
        return writeResource(session, key, Number((request.value as { token: number | string }).token));
      default:
        assert.fail(`ZooKeeper has no workload operation "${request.f}"`);
    }
  }

  private async release(key: string): Promise<OperationOutcome> {
    const lock = this.held.get(key) as HeldLock;
    this.held.delete(key);
    if (lock.session !== this.session || lock.session.state === 'expired' || lock.session.state === 'closed') return { type: 'info', error: 'lock-lost' };
    try {
      await releaseLock(lock.session, lock.path);
      return { type: 'ok', value: null, ...this.servedBy(lock.session) };
    } catch (error) {
      if (!(error instanceof OperationEnded)) throw error;
      if (needsNewSession(error.outcome)) lock.session.close();
      return { type: 'info', error: error.outcome.error };
    }
  }

  /** Why the lock on `key` cannot be acted under now, or null while it is held for sure. */
  private lockTrouble(key: string): 'lock-lost' | 'lock-in-doubt' | null {
    const lock = this.held.get(key);
    if (lock === undefined || lock.session !== this.session) return 'lock-lost';
    if (lock.session.state === 'expired' || lock.session.state === 'closed') return 'lock-lost';
    return lock.session.state === 'connected' ? null : 'lock-in-doubt';
  }

  /** The current session, replaced first when it expired or was abandoned. */
  private liveSession(): ZooKeeperSession {
    if (this.session.state === 'expired' || this.session.state === 'closed') {
      this.session.close();
      this.session = this.openSession(this.session.lastZxidSeen);
    }
    return this.session;
  }

  private openSession(lastZxidSeen?: Buffer): ZooKeeperSession {
    const session = this.options.open(lastZxidSeen);
    session.onStateChange(() => {
      if (this.urgent()) this.wake();
    });
    return session;
  }

  private servedBy(session: ZooKeeperSession): { node?: string } {
    const node = session.server;
    return node === undefined ? {} : { node };
  }
}
