/**
 * The workload vocabularies on top of znodes: a register (read, write, cas on
 * a znode's data, the cas being setData's version check), a sequence (ids
 * from sequential znodes) and a lock (ZooKeeper's recipe: an ephemeral
 * sequential node, a watch on its predecessor).
 *
 * A recipe that needs several calls moves to the next only after a definite
 * failure of the previous one, so a composed operation still takes effect at
 * most once; any unknown step makes the whole operation unknown. Callbacks as
 * in the client (synchronous, simulator-friendly); `promised` adapts them.
 */
import type { CoordinatorClient } from './client.js';
import * as requests from './requests.js';
import { joinPath } from '../service/paths.js';
import { parseSequenceSuffix } from '../service/paths.js';
import type { GetChildrenValue, GetDataValue, ReadMode, Stat } from '../service/types.js';
import type { Callback, Outcome } from './types.js';

export function promised<T>(start: (callback: Callback<T>) => void): Promise<Outcome<T>> {
  return new Promise((resolve) => start(resolve));
}

/** Passes anything but ok on to `callback`; continues with the value otherwise. */
function then<T, U>(callback: Callback<U>, next: (value: T) => void): Callback<T> {
  return (outcome) => (outcome.type === 'ok' ? next(outcome.value) : callback(outcome));
}

function isFailure(outcome: Outcome, reason: string): boolean {
  return outcome.type === 'fail' && outcome.reason === reason;
}

/** Creates a persistent node and its missing ancestors; an existing node is fine. */
export function ensurePath(client: CoordinatorClient, path: string, callback: Callback<null>): void {
  const names = path.split('/').filter((name) => name.length > 0);
  const step = (depth: number): void => {
    if (depth > names.length) return callback({ type: 'ok', value: null });
    const prefix = `/${names.slice(0, depth).join('/')}`;
    client.submit(requests.create(prefix, ''), (outcome) => {
      if (outcome.type === 'ok' || isFailure(outcome, 'NODEEXISTS')) step(depth + 1);
      else callback(outcome as Outcome<null>);
    });
  };
  step(1);
}

export interface RecipeOptions {
  /** Folder of the recipe's znodes. */
  root?: string;
  /** How reads are served; anything but linearizable lets stale reads through. */
  readMode?: ReadMode;
}

/** Where RegisterRecipe keeps its keys unless told otherwise. */
export const REGISTER_ROOT = '/registers';

/** Registers hold integers as the decimal text of a znode's data. */
export class RegisterRecipe {
  private readonly root: string;
  private readonly readMode: ReadMode;

  constructor(
    private readonly client: CoordinatorClient,
    options: RecipeOptions = {},
  ) {
    this.root = options.root ?? REGISTER_ROOT;
    this.readMode = options.readMode ?? 'linearizable';
  }

  read(key: string | number, callback: Callback<number | null>): void {
    this.client.submit(requests.getData(this.path(key), this.readMode), (outcome) => {
      if (isFailure(outcome, 'NONODE')) return callback({ type: 'ok', value: null });
      then<unknown, number | null>(callback, (value) => {
        const parsed = parseRegister((value as GetDataValue).data);
        callback(parsed === undefined ? { type: 'fail', reason: 'unexpected-state' } : { type: 'ok', value: parsed });
      })(outcome);
    });
  }

  /** setData; when the node is missing, create it; when that races with another create, setData again. */
  write(key: string | number, value: number, callback: Callback<number>): void {
    const [path, data] = [this.path(key), String(value)];
    const done: Callback = (outcome) => callback(outcome.type === 'ok' ? { type: 'ok', value } : (outcome as Outcome<number>));
    const setAgain = (): void => this.client.submit(requests.setData(path, data), done);
    const create = (rootMayBeMissing: boolean): void =>
      this.client.submit(requests.create(path, data), (outcome) => {
        if (isFailure(outcome, 'NODEEXISTS')) return setAgain();
        if (isFailure(outcome, 'NONODE') && rootMayBeMissing) {
          return ensurePath(this.client, this.root, then(done, () => create(false)));
        }
        done(outcome);
      });
    this.client.submit(requests.setData(path, data), (outcome) => (isFailure(outcome, 'NONODE') ? create(true) : done(outcome)));
  }

  /** Reads the value and its version, then sets the new value only at that version. */
  cas(key: string | number, from: number, to: number, callback: Callback<[number, number]>): void {
    const path = this.path(key);
    this.client.submit(
      requests.getData(path, this.readMode),
      then(callback, (value: unknown) => {
        const { data, stat } = value as GetDataValue;
        if (parseRegister(data) !== from) return callback({ type: 'fail', reason: 'compare-failed' });
        this.client.submit(requests.setData(path, String(to), stat.version), (outcome) =>
          callback(outcome.type === 'ok' ? { type: 'ok', value: [from, to] } : (outcome as Outcome<[number, number]>)),
        );
      }),
    );
  }

  private path(key: string | number): string {
    return joinPath(this.root, String(key));
  }
}

function parseRegister(data: string): number | null | undefined {
  if (data === '') return null;
  const value = Number(data);
  return Number.isSafeInteger(value) ? value : undefined;
}

/** Ids from sequential znodes: unique, and increasing in the order the creates commit. */
export class SequenceRecipe {
  private readonly root: string;

  constructor(
    private readonly client: CoordinatorClient,
    options: RecipeOptions = {},
  ) {
    this.root = options.root ?? '/sequences';
  }

  next(key: string | number, callback: Callback<number>): void {
    const folder = joinPath(this.root, String(key));
    const create = (folderMayBeMissing: boolean): void =>
      this.client.submit(requests.create(joinPath(folder, 'id-'), '', { sequential: true }), (outcome) => {
        if (isFailure(outcome, 'NONODE') && folderMayBeMissing) {
          return ensurePath(this.client, folder, then(callback, () => create(false)));
        }
        then<unknown, number>(callback, (value) => {
          const id = parseSequenceSuffix((value as { path: string }).path);
          callback(id === null ? { type: 'fail', reason: 'unexpected-state' } : { type: 'ok', value: id });
        })(outcome);
      });
    create(true);
  }
}

export interface LockOptions extends RecipeOptions {
  /** Give up waiting for the lock after this long (the outcome is then unknown). */
  acquireTimeoutMs?: number;
  /**
   * False only for the lock-skips-lease-check bug: the lock is ours once no
   * lower node is left, as etcd 3.4.3's Mutex.Lock said after its wait,
   * without checking that our own node (gone with our session) still exists.
   */
  checkOwnNode?: boolean;
}

/**
 * ZooKeeper's lock recipe. The lock is only as good as the session: once the
 * session expires the node goes and another client may acquire the lock while
 * this one still believes it holds it, which is what a lock checker can show.
 */
export class LockRecipe {
  private readonly root: string;
  private readonly acquireTimeoutMs: number;
  private readonly checkOwnNode: boolean;
  /** Our lock node per key, while we hold or wait for the lock. */
  private readonly nodes = new Map<string, string>();

  constructor(
    private readonly client: CoordinatorClient,
    private readonly clock: { setTimer(delayMs: number, callback: () => void): number; clearTimer(handle: number): void },
    options: LockOptions = {},
  ) {
    this.root = options.root ?? '/locks';
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 10_000;
    this.checkOwnNode = options.checkOwnNode ?? true;
  }

  acquire(key: string | number, callback: Callback<string>): void {
    const name = String(key);
    if (this.nodes.has(name)) return callback({ type: 'fail', reason: 'unexpected-state' });
    const folder = joinPath(this.root, name);
    let finished = false;
    const timer = this.clock.setTimer(this.acquireTimeoutMs, () => finish({ type: 'info', reason: 'timeout' }));
    const finish = (outcome: Outcome<string>): void => {
      if (finished) return;
      finished = true;
      this.clock.clearTimer(timer);
      const ours = this.nodes.get(name);
      if (outcome.type !== 'ok' && ours !== undefined) {
        // Leave the queue, best effort: a node left behind would block others until our session ends.
        this.nodes.delete(name);
        this.client.submit(requests.remove(ours), () => {});
      }
      callback(outcome);
    };
    const create = (folderMayBeMissing: boolean): void =>
      this.client.submit(requests.create(joinPath(folder, 'lock-'), '', { ephemeral: true, sequential: true }), (outcome) => {
        if (finished) return;
        if (isFailure(outcome, 'NONODE') && folderMayBeMissing) {
          return ensurePath(this.client, folder, then(finish, () => create(false)));
        }
        then<unknown, string>(finish, (value) => {
          this.nodes.set(name, (value as { path: string }).path);
          this.check(folder, (value as { path: string }).path, finish, () => finished);
        })(outcome);
      });
    create(true);
  }

  release(key: string | number, callback: Callback<null>): void {
    const name = String(key);
    const ours = this.nodes.get(name);
    if (ours === undefined) return callback({ type: 'fail', reason: 'unexpected-state' });
    this.nodes.delete(name);
    this.client.submit(requests.remove(ours), (outcome) => callback(outcome as Outcome<null>));
  }

  /**
   * Acquired when ours is the lowest node; otherwise wait for the one just
   * before ours to go. A lost connection does not end the wait: the session,
   * and our node, may well live on, so look again once reconnected (the call
   * waits for the connection as long as the acquire may still take).
   */
  private check(folder: string, ours: string, finish: Callback<string>, finished: () => boolean, waitMs?: number): void {
    this.client.submit(
      requests.getChildren(folder),
      then(finish, (value: unknown) => {
        if (finished()) return;
        const children = [...(value as GetChildrenValue).children].sort(bySequence);
        const ourName = ours.slice(folder.length + 1);
        const position = children.indexOf(ourName);
        if (position < 0 && this.checkOwnNode) return finish({ type: 'fail', reason: 'session-expired' });
        const lower = position < 0 ? children.filter((child) => bySequence(child, ourName) < 0) : children.slice(0, position);
        if (lower.length === 0) return finish({ type: 'ok', value: ours });
        const predecessor = joinPath(folder, lower[lower.length - 1] as string);
        const onWatch = (event: { type: string }): void => {
          if (finished()) return;
          if (event.type === 'deleted') this.check(folder, ours, finish, finished);
          else if (event.type === 'connection-lost') this.check(folder, ours, finish, finished, this.acquireTimeoutMs);
          else if (event.type === 'session-expired') finish({ type: 'info', reason: 'connection-lost' });
        };
        this.client.submit(
          requests.exists(predecessor),
          then(finish, (stat: unknown) => {
            if ((stat as Stat | null) === null && !finished()) this.check(folder, ours, finish, finished);
          }),
          { onWatch },
        );
      }),
      waitMs === undefined ? {} : { timeoutMs: waitMs },
    );
  }
}

function bySequence(left: string, right: string): number {
  return (parseSequenceSuffix(left) ?? 0) - (parseSequenceSuffix(right) ?? 0);
}
