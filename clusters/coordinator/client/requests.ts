/** Builders for the requests a client can send, with ZooKeeper's names. */
import type { ClientRequest } from '../service/protocol.js';
import { ANY_VERSION, type MultiStep, type ReadMode } from '../service/types.js';

export interface CreateFlags {
  ephemeral?: boolean;
  sequential?: boolean;
}

export function create(path: string, data: string, flags: CreateFlags = {}): ClientRequest {
  return {
    type: 'write',
    operation: { type: 'create', path, data, ephemeral: flags.ephemeral === true, sequential: flags.sequential === true },
  };
}

/** ZooKeeper's delete; `version` -1 deletes whatever the version. */
export function remove(path: string, version = ANY_VERSION): ClientRequest {
  return { type: 'write', operation: { type: 'delete', path, version } };
}

/** The compare-and-set: applies only while the node has `version` (-1: any). */
export function setData(path: string, data: string, version = ANY_VERSION): ClientRequest {
  return { type: 'write', operation: { type: 'setData', path, data, version } };
}

export function multi(operations: MultiStep[]): ClientRequest {
  return { type: 'write', operation: { type: 'multi', operations } };
}

export function exists(path: string, mode: ReadMode = 'linearizable'): ClientRequest {
  return { type: 'read', operation: { type: 'exists', path }, mode, watch: false };
}

export function getData(path: string, mode: ReadMode = 'linearizable'): ClientRequest {
  return { type: 'read', operation: { type: 'getData', path }, mode, watch: false };
}

export function getChildren(path: string, mode: ReadMode = 'linearizable'): ClientRequest {
  return { type: 'read', operation: { type: 'getChildren', path }, mode, watch: false };
}

export function sync(): ClientRequest {
  return { type: 'sync' };
}
