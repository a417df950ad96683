/**
 * etcd speaks the workload vocabularies (workloads/*.ts) through etcd3, one
 * WorkloadClient per worker process, pinned to one member, with the outcomes
 * of the bundled coordinator's client (clusters/coordinator/
 * workload-client.ts): nothing is retried (etcd3's retries are off, see
 * connection.ts), a call that never left fails "not-connected", a call
 * without an answer ends info. After an unknown outcome, or a call that
 * found no connection, the connection is replaced: a client pinned to a
 * member that was killed and started again took about 15 s to reconnect in
 * Docker.
 *
 *   read, write, cas, next, write-resource   recipes.ts
 *   acquire, release                         lock.ts; acquire's value is { path, token }
 *   enter, exit                              answered here: enter fails
 *                                            "lock-lost" or "lock-in-doubt"
 *                                            as the lease's keepalives say
 * A release that did not succeed ends info, never fail (see the
 * coordinator's client for why). Ok outcomes name the pinned member.
 */
import assert from 'node:assert/strict';
import type { OperationOutcome, OperationRequest, WorkloadClient } from '../../workloads/index.js';
import { OperationEnded } from '../real-support/index.js';
import type { EtcdConnection } from './connection.js';
import { acquireLock, releaseLock, type EtcdHeldLock } from './lock.js';
import { casRegister, nextInSequence, readRegister, writeRegister, writeResource, type EtcdReadMode } from './recipes.js';

export interface EtcdWorkloadOptions {
  /** A new connection: called at once, and again after an unknown outcome. */
  open(): EtcdConnection;
  readMode?: EtcdReadMode;
  /** A waiting acquire ends info after this long. */
  acquireTimeoutMs?: number;
  /** Told when the worker closes this client. */
  onClose?: () => void;
  leaseTtlSeconds?: number;
  /** How often a waiting acquire looks whether its turn has come. */
  lockPollMs?: number;
}

type Done = (outcome: OperationOutcome) => void;

interface HeldLock {
  connection: EtcdConnection;
  lock: EtcdHeldLock;
}

const DEFAULT_ACQUIRE_TIMEOUT_MS = 10_000;
const DEFAULT_LEASE_TTL_SECONDS = 5;
const DEFAULT_LOCK_POLL_MS = 50;

export function etcdWorkloadClient(options: EtcdWorkloadOptions): WorkloadClient {
  return new EtcdWorkloadClient(options);
}

export class EtcdWorkloadClient implements WorkloadClient {
  private connection: EtcdConnection;
  private readonly held = new Map<string, HeldLock>();
  private wake: () => void = () => {};
  private closed = false;
  /** The current connection saw an unknown outcome: the next operation opens a new one. */
  private retired = false;

  constructor(private readonly options: EtcdWorkloadOptions) {
    this.connection = options.open();
  }

  invoke(request: OperationRequest, done: Done): void {
    assert.ok(!this.closed, 'invoke after close');
    const key = request.key ?? '0';
    if (request.f === 'enter') {
      const trouble = this.lockTrouble(key);
      return done(trouble === null ? { type: 'ok', value: null } : { type: 'fail', error: trouble });
    }
    if (request.f === 'exit') return done({ type: 'ok', value: null });
    if (request.f === 'release') return void this.release(key).then(done);
    const connection = this.liveConnection();
    this.run(connection, request, key).then(done, (error: unknown) => done({ type: 'info', error: `client-error: ${String(error)}` }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.options.onClose?.();
    for (const { lock, connection } of this.held.values()) {
      lock.letGo();
      connection.close();
    }
    this.held.clear();
    this.connection.close();
  }

  onWake(wake: () => void): void {
    this.wake = wake;
  }

  urgent(): boolean {
    for (const key of this.held.keys()) if (this.lockTrouble(key) !== null) return true;
    return false;
  }

  private async run(connection: EtcdConnection, request: OperationRequest, key: string): Promise<OperationOutcome> {
    try {
      const value = await this.perform(connection, request, key);
      return { type: 'ok', value, node: connection.node };
    } catch (error) {
      if (!(error instanceof OperationEnded)) throw error;
      // gRPC backs off reconnecting to a member that went away (up to minutes): a fresh connection tries at once.
      if (error.outcome.type === 'info' || error.outcome.error === 'not-connected') this.replace(connection);
      return error.outcome;
    }
  }

  private async perform(connection: EtcdConnection, request: OperationRequest, key: string): Promise<unknown> {
    switch (request.f) {
      case 'read':
        return readRegister(connection, key, this.options.readMode ?? 'linearizable');
      case 'write':
        return writeRegister(connection, key, request.value as number);
      case 'cas': {
        const [from, to] = request.value as [number, number];
        return casRegister(connection, key, from, to);
      }
      case 'next':
        return nextInSequence(connection, key);
      case 'acquire': {
        if (this.held.has(key)) throw new OperationEnded({ type: 'fail', error: 'unexpected-state' });
        const lock = await acquireLock(connection, key, {
          leaseTtlSeconds: this.options.leaseTtlSeconds ?? DEFAULT_LEASE_TTL_SECONDS,
          timeoutMs: this.options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
          pollMs: this.options.lockPollMs ?? DEFAULT_LOCK_POLL_MS,
          onTrouble: () => this.wake(),
        });
        this.held.set(key, { connection, lock });
        return { path: lock.key, token: lock.token };
      }
      case 'write-resource':
        return writeResource(connection, key, Number((request.value as { token: number | string }).token));
      default:
        assert.fail(`etcd has no workload operation "${request.f}"`);
    }
  }

  private async release(key: string): Promise<OperationOutcome> {
    const held = this.held.get(key);
    if (held === undefined) return { type: 'fail', error: 'not-held' };
    this.held.delete(key);
    try {
      await releaseLock(held.connection, held.lock);
      this.closeIfUnused(held.connection);
      return { type: 'ok', value: null, node: held.connection.node };
    } catch (error) {
      this.replace(held.connection);
      if (!(error instanceof OperationEnded)) return { type: 'info', error: `client-error: ${String(error)}` };
      return { type: 'info', error: error.outcome.error };
    }
  }

  private lockTrouble(key: string): 'lock-lost' | 'lock-in-doubt' | null {
    const held = this.held.get(key);
    return held === undefined ? 'lock-lost' : held.lock.trouble();
  }

  /** The connection for the next operation: a new one once the last was retired. */
  private liveConnection(): EtcdConnection {
    if (this.connection.isClosed || this.retired) {
      this.retired = false;
      this.connection = this.options.open();
    }
    return this.connection;
  }

  /** After an unknown outcome nothing more goes through this connection; it closes once no held lock's keepalives need it. */
  private replace(connection: EtcdConnection): void {
    if (connection === this.connection) this.retired = true;
    this.closeIfUnused(connection);
  }

  private closeIfUnused(connection: EtcdConnection): void {
    if (connection === this.connection && !this.retired) return;
    if ([...this.held.values()].some((held) => held.connection === connection)) return;
    connection.close();
  }
}
