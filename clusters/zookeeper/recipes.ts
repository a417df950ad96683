/**
 * Registers and sequences on ZooKeeper znodes. A recipe of several calls
 * goes on to the next only after a definite answer to the previous one, so
 * the operation takes effect at most once, and any unknown step makes the
 * whole operation unknown (valueOf throws OperationEnded).
 *
 *   read   sync mode: sync, then getData (sync makes the connected server
 *          catch up with the leader first); local mode: getData alone,
 *          which ZooKeeper promises only sequential consistency for
 *   write  setData; a missing node is created; a create that races with
 *          another's create sets the data after all
 *   cas    getData, then setData at the version read, only when the value
 *          read is the expected one; BAD_VERSION (someone wrote in between)
 *          is a compare that failed
 *   next   a persistent sequential child: its counter is the id
 */
import zookeeper from 'node-zookeeper-client';
import { isError, OperationEnded, parseRegister, sequenceSuffix, valueOf } from './outcomes.js';
import type { CallResult, ZooKeeperSession, ZooKeeperStat } from './session.js';

export type ZooKeeperReadMode = 'sync' | 'local';

export const REGISTER_ROOT = '/registers';
export const SEQUENCE_ROOT = '/sequences';

export function joinPath(folder: string, name: string): string {
  return `${folder.replace(/\/$/, '')}/${name}`;
}

/** Creates the persistent node and its missing ancestors, one definite step at a time. */
export async function ensurePath(session: ZooKeeperSession, path: string): Promise<void> {
  const names = path.split('/').filter((name) => name.length > 0);
  for (let depth = 1; depth <= names.length; depth += 1) {
    const prefix = `/${names.slice(0, depth).join('/')}`;
    const created = await create(session, prefix, '', zookeeper.CreateMode.PERSISTENT);
    if (!isError(created, 'NODE_EXISTS')) valueOf(created);
  }
}

export function create(session: ZooKeeperSession, path: string, data: string, mode: number): Promise<CallResult<string>> {
  return session.call<string>((callback) => session.client.create(path, Buffer.from(data), mode, callback));
}

export function getData(session: ZooKeeperSession, path: string): Promise<CallResult<{ data: Buffer; stat: ZooKeeperStat }>> {
  return session.call((callback) => session.client.getData(path, (error, data, stat) => callback(error, { data, stat })));
}

export function setData(session: ZooKeeperSession, path: string, data: string, version: number): Promise<CallResult<ZooKeeperStat>> {
  return session.call<ZooKeeperStat>((callback) => session.client.setData(path, Buffer.from(data), version, callback));
}

export async function readRegister(session: ZooKeeperSession, key: string, mode: ZooKeeperReadMode): Promise<number | null> {
  const path = joinPath(REGISTER_ROOT, key);
  if (mode === 'sync') valueOf(await session.sync(path));
  const read = await getData(session, path);
  if (isError(read, 'NO_NODE')) return null;
  return parseRegister(valueOf(read).data);
}

export async function writeRegister(session: ZooKeeperSession, key: string, value: number): Promise<number> {
  const [path, data] = [joinPath(REGISTER_ROOT, key), String(value)];
  const set = await setData(session, path, data, -1);
  if (!isError(set, 'NO_NODE')) return (valueOf(set), value);
  let created = await create(session, path, data, zookeeper.CreateMode.PERSISTENT);
  if (isError(created, 'NO_NODE')) {
    await ensurePath(session, REGISTER_ROOT);
    created = await create(session, path, data, zookeeper.CreateMode.PERSISTENT);
  }
  // Another client created it first; ours is the later write.
  if (isError(created, 'NODE_EXISTS')) valueOf(await setData(session, path, data, -1));
  else valueOf(created);
  return value;
}

export async function casRegister(session: ZooKeeperSession, key: string, from: number, to: number): Promise<[number, number]> {
  const path = joinPath(REGISTER_ROOT, key);
  const read = await getData(session, path);
  if (isError(read, 'NO_NODE')) throw new OperationEnded({ type: 'fail', error: 'compare-failed' });
  const { data, stat } = valueOf(read);
  if (parseRegister(data) !== from) throw new OperationEnded({ type: 'fail', error: 'compare-failed' });
  const set = await setData(session, path, String(to), stat.version);
  if (isError(set, 'BAD_VERSION') || isError(set, 'NO_NODE')) throw new OperationEnded({ type: 'fail', error: 'compare-failed' });
  valueOf(set);
  return [from, to];
}

export async function nextInSequence(session: ZooKeeperSession, key: string): Promise<number> {
  const folder = joinPath(SEQUENCE_ROOT, key);
  const child = joinPath(folder, 'id-');
  let created = await create(session, child, '', zookeeper.CreateMode.PERSISTENT_SEQUENTIAL);
  if (isError(created, 'NO_NODE')) {
    await ensurePath(session, folder);
    created = await create(session, child, '', zookeeper.CreateMode.PERSISTENT_SEQUENTIAL);
  }
  return sequenceSuffix(valueOf(created));
}

export const RESOURCE_ROOT = '/resources';

/** The fenced resource: holds the largest token written; takes a write only with a token at least as large, at the version read. */
export async function writeResource(session: ZooKeeperSession, key: string, token: number): Promise<{ token: number }> {
  const path = joinPath(RESOURCE_ROOT, key);
  const read = await getData(session, path);
  if (isError(read, 'NO_NODE')) {
    let created = await create(session, path, String(token), zookeeper.CreateMode.PERSISTENT);
    if (isError(created, 'NO_NODE')) {
      await ensurePath(session, RESOURCE_ROOT);
      created = await create(session, path, String(token), zookeeper.CreateMode.PERSISTENT);
    }
    valueOf(created);
    return { token };
  }
  const { data, stat } = valueOf(read);
  const largest = parseRegister(data);
  if (largest !== null && token < largest) throw new OperationEnded({ type: 'fail', error: 'stale-token' });
  valueOf(await setData(session, path, String(token), stat.version));
  return { token };
}
