/**
 * The znode tree. Every mutation takes the zxid of the entry that makes it and
 * may record its inverse in a journal, so a multi can roll back a partial batch
 * and stay all-or-nothing. Nothing here reads a clock or chance: the tree is a
 * pure function of the mutations applied to it.
 */
import assert from 'node:assert/strict';
import {
  ANY_VERSION,
  MAX_DATA_BYTES,
  type CheckOperation,
  type CreateOperation,
  type DeleteOperation,
  type ErrorCode,
  type OperationResult,
  type SetDataOperation,
  type Stat,
  type WatchTrigger,
  type Zxid,
} from './types.js';
import { ROOT, childName, isValidPath, parentPath, sequenceSuffix } from './paths.js';

interface Znode {
  data: string;
  dataLength: number;
  czxid: Zxid;
  mzxid: Zxid;
  pzxid: Zxid;
  version: number;
  cversion: number;
  ephemeralOwner: number;
  children: Set<string>;
}

/** A znode in a snapshot: its children follow from the paths. */
export type ZnodeRecord = Omit<Znode, 'children' | 'dataLength'>;
export interface TreeSnapshot {
  /** Sorted by path, so every parent comes before its children. */
  nodes: Array<[string, ZnodeRecord]>;
}

/** Inverses of mutations, run last-first to roll back. */
export type Journal = Array<() => void>;

/** Where a mutation reports its effects: undo steps and watch triggers. */
export interface MutationContext {
  zxid: Zxid;
  /** Null when nothing will be rolled back (anything but a multi), which spares making undo steps. */
  journal: Journal | null;
  triggers: WatchTrigger[];
}

export function failure(code: ErrorCode): OperationResult {
  return { ok: false, code };
}

export function byteLength(data: string): number {
  return Buffer.byteLength(data, 'utf8');
}

function dataProblem(data: unknown): boolean {
  return typeof data !== 'string' || byteLength(data) > MAX_DATA_BYTES;
}

function versionProblem(version: unknown): boolean {
  return !Number.isInteger(version) || (version as number) < ANY_VERSION;
}

export class DataTree {
  private readonly nodes = new Map<string, Znode>();
  /** Session id -> paths of its ephemeral nodes; follows from ephemeralOwner. */
  private readonly ephemerals = new Map<number, Set<string>>();

  constructor() {
    this.nodes.set(ROOT, newZnode('', 0, 0));
  }

  get size(): number {
    return this.nodes.size;
  }

  stat(path: string): Stat | null {
    const node = this.nodes.get(path);
    return node === undefined ? null : statOf(node);
  }

  getData(path: string): OperationResult {
    if (!isValidPath(path)) return failure('BADARGUMENTS');
    const node = this.nodes.get(path);
    if (node === undefined) return failure('NONODE');
    return { ok: true, value: { data: node.data, stat: statOf(node) } };
  }

  getChildren(path: string): OperationResult {
    if (!isValidPath(path)) return failure('BADARGUMENTS');
    const node = this.nodes.get(path);
    if (node === undefined) return failure('NONODE');
    return { ok: true, value: { children: [...node.children].sort(), stat: statOf(node) } };
  }

  /** Sorted paths of the session's ephemeral nodes. */
  ephemeralsOf(sessionId: number): string[] {
    return [...(this.ephemerals.get(sessionId) ?? [])].sort();
  }

  /** The sessions that own at least one ephemeral node. */
  ephemeralOwners(): IterableIterator<number> {
    return this.ephemerals.keys();
  }

  /** Every ephemeral node and its owner session, in path order. */
  ephemeralNodes(): Array<{ path: string; owner: number }> {
    const found: Array<{ path: string; owner: number }> = [];
    for (const [owner, paths] of this.ephemerals) for (const path of paths) found.push({ path, owner });
    return found.sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
  }

  /** The name a sequential create under `parent` would get now, or null without a parent. */
  nextSequentialPath(path: string): string | null {
    const parent = this.nodes.get(parentPath(path));
    return parent === undefined ? null : path + sequenceSuffix(parent.cversion);
  }

  create(operation: CreateOperation, sessionId: number, context: MutationContext): OperationResult {
    const { path, data } = operation;
    if (!isValidPath(path) || path === ROOT || dataProblem(data)) return failure('BADARGUMENTS');
    const parentName = parentPath(path);
    const parent = this.nodes.get(parentName);
    if (parent === undefined) return failure('NONODE');
    if (parent.ephemeralOwner !== 0) return failure('NOCHILDRENFOREPHEMERALS');
    // ZooKeeper names a sequential node from the parent's cversion before this create.
    const finalPath = operation.sequential === true ? path + sequenceSuffix(parent.cversion) : path;
    if (this.nodes.has(finalPath)) return failure('NODEEXISTS');
    const owner = operation.ephemeral === true ? sessionId : 0;
    assert.ok(operation.ephemeral !== true || sessionId > 0, 'an ephemeral node needs a session');
    const node = newZnode(data, context.zxid, owner);
    const parentBefore = { cversion: parent.cversion, pzxid: parent.pzxid };
    this.nodes.set(finalPath, node);
    parent.children.add(childName(finalPath));
    parent.cversion += 1;
    parent.pzxid = context.zxid;
    if (owner !== 0) this.addEphemeral(owner, finalPath);
    context.journal?.push(() => {
      this.nodes.delete(finalPath);
      parent.children.delete(childName(finalPath));
      Object.assign(parent, parentBefore);
      if (owner !== 0) this.removeEphemeral(owner, finalPath);
    });
    context.triggers.push({ type: 'created', path: finalPath, zxid: context.zxid });
    context.triggers.push({ type: 'children-changed', path: parentName, zxid: context.zxid });
    return { ok: true, value: { path: finalPath, stat: statOf(node) } };
  }

  delete(operation: DeleteOperation, context: MutationContext): OperationResult {
    const { path, version } = operation;
    if (!isValidPath(path) || path === ROOT || versionProblem(version)) return failure('BADARGUMENTS');
    const node = this.nodes.get(path);
    if (node === undefined) return failure('NONODE');
    if (version !== ANY_VERSION && version !== node.version) return failure('BADVERSION');
    if (node.children.size > 0) return failure('NOTEMPTY');
    this.removeNode(path, node, context);
    return { ok: true, value: null };
  }

  setData(operation: SetDataOperation, context: MutationContext): OperationResult {
    const { path, data, version } = operation;
    if (!isValidPath(path) || dataProblem(data) || versionProblem(version)) return failure('BADARGUMENTS');
    const node = this.nodes.get(path);
    if (node === undefined) return failure('NONODE');
    if (version !== ANY_VERSION && version !== node.version) return failure('BADVERSION');
    if (context.journal !== null) {
      const before = { data: node.data, dataLength: node.dataLength, version: node.version, mzxid: node.mzxid };
      context.journal.push(() => Object.assign(node, before));
    }
    node.data = data;
    node.dataLength = byteLength(data);
    node.version += 1;
    node.mzxid = context.zxid;
    context.triggers.push({ type: 'data-changed', path, zxid: context.zxid });
    return { ok: true, value: statOf(node) };
  }

  check(operation: CheckOperation): OperationResult {
    const { path, version } = operation;
    if (!isValidPath(path) || versionProblem(version)) return failure('BADARGUMENTS');
    const node = this.nodes.get(path);
    if (node === undefined) return failure('NONODE');
    if (version !== ANY_VERSION && version !== node.version) return failure('BADVERSION');
    return { ok: true, value: null };
  }

  /** Deletes every ephemeral of the session, in path order; returns how many. */
  deleteEphemerals(sessionId: number, context: MutationContext): number {
    const paths = this.ephemeralsOf(sessionId);
    for (const path of paths) {
      const node = this.nodes.get(path);
      if (!(node !== undefined && node.ephemeralOwner === sessionId)) assert.fail(`ephemeral ${path} lost`);
      assert.equal(node.children.size, 0, `ephemeral ${path} has children`);
      this.removeNode(path, node, context);
    }
    return paths.length;
  }

  toSnapshot(): TreeSnapshot {
    const nodes: Array<[string, ZnodeRecord]> = [];
    for (const path of [...this.nodes.keys()].sort()) {
      const { children: _children, dataLength: _dataLength, ...record } = this.nodes.get(path) as Znode;
      nodes.push([path, record]);
    }
    return { nodes };
  }

  static fromSnapshot(snapshot: TreeSnapshot): DataTree {
    const tree = new DataTree();
    for (const [path, record] of snapshot.nodes) {
      const node: Znode = { ...record, dataLength: byteLength(record.data), children: new Set() };
      tree.nodes.set(path, node);
      if (path === ROOT) continue;
      const parent = tree.nodes.get(parentPath(path));
      if (parent === undefined) assert.fail(`snapshot has ${path} without its parent`);
      parent.children.add(childName(path));
      if (node.ephemeralOwner !== 0) tree.addEphemeral(node.ephemeralOwner, path);
    }
    assert.ok(tree.nodes.has(ROOT), 'snapshot without the root');
    return tree;
  }

  private removeNode(path: string, node: Znode, context: MutationContext): void {
    const parentName = parentPath(path);
    const parent = this.nodes.get(parentName);
    if (parent === undefined) assert.fail(`${path} has no parent`);
    const parentBefore = { cversion: parent.cversion, pzxid: parent.pzxid };
    this.nodes.delete(path);
    parent.children.delete(childName(path));
    parent.cversion += 1;
    parent.pzxid = context.zxid;
    if (node.ephemeralOwner !== 0) this.removeEphemeral(node.ephemeralOwner, path);
    context.journal?.push(() => {
      this.nodes.set(path, node);
      parent.children.add(childName(path));
      Object.assign(parent, parentBefore);
      if (node.ephemeralOwner !== 0) this.addEphemeral(node.ephemeralOwner, path);
    });
    context.triggers.push({ type: 'deleted', path, zxid: context.zxid });
    context.triggers.push({ type: 'children-changed', path: parentName, zxid: context.zxid });
  }

  private addEphemeral(sessionId: number, path: string): void {
    let paths = this.ephemerals.get(sessionId);
    if (paths === undefined) this.ephemerals.set(sessionId, (paths = new Set()));
    paths.add(path);
  }

  private removeEphemeral(sessionId: number, path: string): void {
    const paths = this.ephemerals.get(sessionId);
    if (!(paths !== undefined && paths.delete(path))) assert.fail(`${path} was not an ephemeral of ${sessionId}`);
    if (paths.size === 0) this.ephemerals.delete(sessionId);
  }
}

function newZnode(data: string, zxid: Zxid, ephemeralOwner: number): Znode {
  return {
    data,
    dataLength: byteLength(data),
    czxid: zxid,
    mzxid: zxid,
    pzxid: zxid,
    version: 0,
    cversion: 0,
    ephemeralOwner,
    children: new Set(),
  };
}

function statOf(node: Znode): Stat {
  return {
    czxid: node.czxid,
    mzxid: node.mzxid,
    pzxid: node.pzxid,
    version: node.version,
    cversion: node.cversion,
    ephemeralOwner: node.ephemeralOwner,
    dataLength: node.dataLength,
    numChildren: node.children.size,
  };
}
