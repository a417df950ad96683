/**
 * etcd's lock recipe (as etcd's own concurrency package does it): each
 * acquire grants a lease, kept alive while held, and puts a key under
 * /locks/<key>/ with it; the key with the lowest create revision holds the
 * lock. The fencing token is our key's create revision, which grows with
 * every later holder. A waiter looks again every pollMs (one transaction
 * that also checks our key still exists: its lease may expire meanwhile).
 * Revoking the lease releases the lock; a lease that expires releases it
 * too, and etcd3 tells the holder ("lost") only later, which is why the
 * holder also judges its lease by the last keepalive etcd answered: past
 * half the TTL in doubt, past the TTL lost.
 */
import type { Lease } from 'etcd3';
import { OperationEnded } from '../real-support/index.js';
import type { EtcdConnection } from './connection.js';
import { valueOf } from './recipes.js';

export const LOCK_PREFIX = '/locks/';

export interface LockOptions {
  leaseTtlSeconds: number;
  timeoutMs: number;
  pollMs: number;
  /** Called when the held lock's lease is lost or in doubt, so the worker can act at once. */
  onTrouble: () => void;
}

export class EtcdHeldLock {
  private lost = false;
  private lastKeepAliveMs = performance.now();
  private readonly watchdog: NodeJS.Timeout;

  constructor(
    readonly lease: Lease,
    readonly leaseId: string,
    readonly key: string,
    readonly token: number,
    private readonly ttlMs: number,
    onTrouble: () => void,
  ) {
    lease.on('lost', () => {
      this.lost = true;
      onTrouble();
    });
    lease.on('keepaliveSucceeded', () => (this.lastKeepAliveMs = performance.now()));
    let troubled = false;
    // The lease's own events come late or not at all when etcd is unreachable: look at the keepalives' age too.
    this.watchdog = setInterval(() => {
      if (!troubled && this.trouble() !== null) onTrouble();
      troubled = this.trouble() !== null;
    }, Math.max(50, ttlMs / 10));
    this.watchdog.unref();
  }

  trouble(): 'lock-lost' | 'lock-in-doubt' | null {
    const sinceKeepAliveMs = performance.now() - this.lastKeepAliveMs;
    if (this.lost || sinceKeepAliveMs > this.ttlMs) return 'lock-lost';
    return sinceKeepAliveMs > this.ttlMs / 2 ? 'lock-in-doubt' : null;
  }

  /** Stops keepalives (the lease then expires by itself unless revoked). */
  letGo(): void {
    clearInterval(this.watchdog);
    this.lease.release();
  }
}

export async function acquireLock(connection: EtcdConnection, lockKey: string, options: LockOptions): Promise<EtcdHeldLock> {
  const lease = connection.client.lease(options.leaseTtlSeconds, { autoKeepAlive: true });
  lease.on('lost', () => undefined);
  try {
    const leaseId = valueOf(await connection.call(() => lease.grant()));
    const ours = `${LOCK_PREFIX}${lockKey}/${leaseId}`;
    const put = valueOf(await connection.call(() => lease.put(ours).value('').exec()));
    const token = Number(put.header.revision);
    await waitForTurn(connection, lockKey, ours, token, options);
    return new EtcdHeldLock(lease, String(leaseId), ours, token, options.leaseTtlSeconds * 1000, options.onTrouble);
  } catch (error) {
    // Let the lease go (its key with it): at once if etcd answers, else when its TTL runs out.
    lease.release();
    void connection.call(() => lease.revoke());
    throw error;
  }
}

async function waitForTurn(connection: EtcdConnection, lockKey: string, ours: string, token: number, options: LockOptions): Promise<void> {
  const deadline = performance.now() + options.timeoutMs;
  const prefix = `${LOCK_PREFIX}${lockKey}/`;
  while (performance.now() < deadline) {
    const response = valueOf(
      await connection.call((client) =>
        client
          .if(ours, 'Create', '==', token)
          .then(client.getAll().prefix(prefix).maxCreateRevision(token - 1).sort('Create', 'Descend').limit(1))
          .commit(),
      ),
    );
    if (!response.succeeded) throw new OperationEnded({ type: 'fail', error: 'lease-expired' });
    const before = response.responses[0]?.response_range?.kvs ?? [];
    if (before.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs, Math.max(0, deadline - performance.now()))));
  }
  throw new OperationEnded({ type: 'info', error: 'timeout' });
}

export async function releaseLock(connection: EtcdConnection, held: EtcdHeldLock): Promise<void> {
  const trouble = held.trouble();
  // The revoke call itself, not etcd3's Lease.revoke(), which takes "lease not found" for success.
  const revoked = await connection.call((client) => client.leaseClient.leaseRevoke({ ID: held.leaseId }));
  held.letGo();
  if (revoked.type === 'ok') return;
  // Etcd no longer knows the lease: it expired, and the lock went with it.
  throw new OperationEnded({ type: 'info', error: revoked.error === 'lease-not-found' || trouble === 'lock-lost' ? 'lock-lost' : revoked.error });
}
