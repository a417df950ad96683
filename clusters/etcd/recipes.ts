/**
 * Registers, sequences and the fenced resource on etcd keys. Each operation
 * is one etcd call or a read followed by one transaction that applies only
 * if the key is as read, so it takes effect at most once; a step that ends
 * unknown makes the operation unknown (OperationEnded).
 *
 *   read   get: linearizable (the default; a quorum read through the
 *          leader), or serializable (the member's own state, maybe stale)
 *   write  put
 *   cas    a transaction: if the value is the expected one, put the new one
 *   next   a counter: read it, then a transaction that puts value + 1 if the
 *          key's version is still the one read; another client's increment
 *          in between is a definite miss, tried again a bounded number of
 *          times. Ids are dense: 0, 1, 2, ...
 */
import { OperationEnded } from '../real-support/index.js';
import type { EtcdCallResult, EtcdConnection } from './connection.js';

export type EtcdReadMode = 'linearizable' | 'serializable';

export const REGISTER_PREFIX = '/registers/';
export const SEQUENCE_PREFIX = '/sequences/';
export const RESOURCE_PREFIX = '/resources/';
/** Increments lost to other clients before `next` gives up (fails: nothing was applied). */
const MAX_SEQUENCE_ATTEMPTS = 20;

export function valueOf<T>(result: EtcdCallResult<T>): T {
  if (result.type === 'ok') return result.value;
  throw new OperationEnded(result);
}

interface KeyState {
  value: string | null;
  /** The key's version: 0 when it does not exist. */
  version: string;
}

export function parseInteger(text: string | null): number | null {
  if (text === null || text === '') return null;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new OperationEnded({ type: 'fail', error: 'unexpected-state' });
  return value;
}

async function readKey(connection: EtcdConnection, key: string, serializable: boolean): Promise<KeyState> {
  const response = valueOf(await connection.call((client) => client.get(key).serializable(serializable).exec()));
  const found = response.kvs[0];
  return found === undefined ? { value: null, version: '0' } : { value: found.value.toString('utf8'), version: String(found.version) };
}

export async function readRegister(connection: EtcdConnection, key: string, mode: EtcdReadMode): Promise<number | null> {
  return parseInteger((await readKey(connection, REGISTER_PREFIX + key, mode === 'serializable')).value);
}

export async function writeRegister(connection: EtcdConnection, key: string, value: number): Promise<number> {
  valueOf(await connection.call((client) => client.put(REGISTER_PREFIX + key).value(String(value)).exec()));
  return value;
}

export async function casRegister(connection: EtcdConnection, key: string, from: number, to: number): Promise<[number, number]> {
  const path = REGISTER_PREFIX + key;
  const response = valueOf(await connection.call((client) => client.if(path, 'Value', '==', String(from)).then(client.put(path).value(String(to))).commit()));
  if (!response.succeeded) throw new OperationEnded({ type: 'fail', error: 'compare-failed' });
  return [from, to];
}

export async function nextInSequence(connection: EtcdConnection, key: string): Promise<number> {
  const path = SEQUENCE_PREFIX + key;
  for (let attempt = 0; attempt < MAX_SEQUENCE_ATTEMPTS; attempt += 1) {
    const current = await readKey(connection, path, false);
    const next = (parseInteger(current.value) ?? -1) + 1;
    const response = valueOf(await connection.call((client) => client.if(path, 'Version', '==', current.version).then(client.put(path).value(String(next))).commit()));
    if (response.succeeded) return next;
  }
  throw new OperationEnded({ type: 'fail', error: 'compare-failed' });
}

/** The fenced resource: holds the largest token written; takes a write only with a token at least as large, if unchanged since read. */
export async function writeResource(connection: EtcdConnection, key: string, token: number): Promise<{ token: number }> {
  const path = RESOURCE_PREFIX + key;
  const current = await readKey(connection, path, false);
  const largest = parseInteger(current.value);
  if (largest !== null && token < largest) throw new OperationEnded({ type: 'fail', error: 'stale-token' });
  const response = valueOf(await connection.call((client) => client.if(path, 'Version', '==', current.version).then(client.put(path).value(String(token))).commit()));
  if (!response.succeeded) throw new OperationEnded({ type: 'fail', error: 'compare-failed' });
  return { token };
}
