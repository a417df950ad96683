/**
 * ZooKeeper's lock recipe: an ephemeral sequential child of /locks/<key>;
 * the lowest child holds the lock, every other waits (with a watch) for the
 * child just before its own to go. The fencing token is the czxid of the
 * holder's node: the zxid of the transaction that queued it, which grows
 * with every later holder. The lock lasts as long as the session: a session
 * that expires takes the node with it.
 *
 * An acquire that ends any way but ok after its node was created closes the
 * session, so the node cannot hold the lock later for a client that has
 * given up on it (the client opens a new session for its next operation).
 */
import zookeeper from 'node-zookeeper-client';
import { isError, OperationEnded, sequenceSuffix, valueOf } from './outcomes.js';
import { create, ensurePath, joinPath } from './recipes.js';
import type { CallResult, SessionState, ZooKeeperSession, ZooKeeperStat } from './session.js';
import { statNumber } from './session.js';

export const LOCK_ROOT = '/locks';
/** A waiter looks again at most this often, however its watches fire. */
const MAX_LOOKS = 10_000;

export interface AcquiredLock {
  path: string;
  token: number;
}

type WaitEnd = 'changed' | 'deadline' | SessionState;

export async function acquireLock(session: ZooKeeperSession, key: string, timeoutMs: number): Promise<AcquiredLock> {
  const folder = joinPath(LOCK_ROOT, key);
  const child = joinPath(folder, 'lock-');
  let created = await create(session, child, '', zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
  if (isError(created, 'NO_NODE')) {
    await ensurePath(session, folder);
    created = await create(session, child, '', zookeeper.CreateMode.EPHEMERAL_SEQUENTIAL);
  }
  const ours = valueOf(created);
  try {
    return await waitForTurn(session, folder, ours, timeoutMs);
  } catch (error) {
    session.close();
    throw error;
  }
}

async function waitForTurn(session: ZooKeeperSession, folder: string, ours: string, timeoutMs: number): Promise<AcquiredLock> {
  const deadline = performance.now() + timeoutMs;
  for (let look = 0; look < MAX_LOOKS; look += 1) {
    const children = valueOf(await getChildren(session, folder));
    const queue = [...children].sort((left, right) => sequenceSuffix(left) - sequenceSuffix(right));
    const position = queue.indexOf(ours.slice(folder.length + 1));
    // Our node is gone: the session expired under us.
    if (position < 0) throw new OperationEnded({ type: 'fail', error: 'session-expired' });
    if (position === 0) return { path: ours, token: statNumber(valueOf(await exists(session, ours)).czxid) };
    const predecessor = joinPath(folder, queue[position - 1] as string);
    const end = await waitForDeletion(session, predecessor, deadline - performance.now());
    if (end === 'deadline') throw new OperationEnded({ type: 'info', error: 'timeout' });
    if (end === 'expired' || end === 'closed') throw new OperationEnded({ type: 'info', error: 'connection-lost' });
    // Deleted, or the connection came and went: look again (calls while disconnected wait for the connection below).
    if (session.state !== 'connected' && !(await session.awaitConnected(Math.max(0, deadline - performance.now())))) {
      throw new OperationEnded({ type: 'info', error: 'timeout' });
    }
  }
  throw new OperationEnded({ type: 'info', error: 'timeout' });
}

/** Sets a watch on the predecessor and waits for it to go, the session to change state, or the deadline. */
function waitForDeletion(session: ZooKeeperSession, path: string, remainingMs: number): Promise<WaitEnd> {
  if (remainingMs <= 0) return Promise.resolve('deadline');
  return new Promise((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => finish('deadline'), remainingMs);
    const stop = session.onStateChange((state) => finish(state));
    function finish(end: WaitEnd | Error): void {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stop();
      if (end instanceof Error) reject(end);
      else resolve(end);
    }
    session
      .call<ZooKeeperStat | null>((callback) => session.client.exists(path, () => finish('changed'), callback))
      .then((result) => {
        try {
          if (valueOf(result) === null) finish('changed');
        } catch (error) {
          finish(error as Error);
        }
      });
  });
}

function getChildren(session: ZooKeeperSession, path: string): Promise<CallResult<string[]>> {
  return session.call<string[]>((callback) => session.client.getChildren(path, callback));
}

function exists(session: ZooKeeperSession, path: string): Promise<CallResult<ZooKeeperStat>> {
  return session.call<ZooKeeperStat | null>((callback) => session.client.exists(path, callback)).then((result) => {
    if (result.type === 'ok' && result.value === null) throw new OperationEnded({ type: 'fail', error: 'session-expired' });
    return result as CallResult<ZooKeeperStat>;
  });
}

export async function releaseLock(session: ZooKeeperSession, path: string): Promise<void> {
  const removed = await session.call<null>((callback) => session.client.remove(path, -1, (error) => callback(error, null)));
  if (isError(removed, 'NO_NODE')) throw new OperationEnded({ type: 'info', error: 'lock-lost' });
  valueOf(removed);
}
