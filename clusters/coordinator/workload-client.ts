/**
 * The coordinator speaks the workload vocabularies (workloads/*.ts) through
 * its client recipes: one WorkloadClient per worker process.
 *
 *   read, write, cas     RegisterRecipe on /registers/<key>
 *   next                 SequenceRecipe on /sequences/<key>
 *   acquire, release     LockRecipe on /locks/<key>; acquire's value is
 *                        { path, token }, the token being the lock node's
 *                        czxid (absent when it could not be read)
 *   enter, exit          answered here: enter fails "lock-lost" when this
 *                        client knows its lock is gone (session expired),
 *                        "lock-in-doubt" while disconnected (the session may
 *                        be expiring unseen: Curator's SUSPENDED)
 *   write-resource       the fenced resource /resources/<key>: it holds the
 *                        largest token written and takes a write only with a
 *                        token at least as large (a version-checked setData)
 *
 * Outcomes map one to one (ok value, fail and info with the recipe's reason
 * as the error) and nothing is retried. One deliberate exception: a release
 * that did not succeed ends info, never fail. Its lock then ends with its
 * session, at a time we cannot know: the session already expired (error
 * "lock-lost"), or the worker closes it as it moves on to a fresh process,
 * as it does after every info. A fail would tell the mutex model that the
 * process holds the lock for good. Ok outcomes name the server of the
 * connection that answered, for the split-brain checker.
 *
 * A session that expired fails every call, so the next operation opens a new
 * client (and session) through `open`; locks of the old session are lost.
 *
 * A holder hears of its lock's loss (or doubt) when it happens, not at its
 * next operation: the client is then `urgent` and wakes its worker, which
 * ends its hold at once (exit, release). Otherwise the history would show it
 * holding on after its client was told, and the lock service's next grant
 * would look like a second holder (see workloads/lock.ts).
 */
import assert from 'node:assert/strict';
import type { OperationOutcome, OperationRequest, WorkloadClient } from '../../workloads/index.js';
import type { CoordinatorClient } from './client/client.js';
import { LockRecipe, RegisterRecipe, SequenceRecipe, ensurePath } from './client/recipes.js';
import * as requests from './client/requests.js';
import type { Callback, Outcome } from './client/types.js';
import { BUG_LOCK_SKIPS_LEASE_CHECK } from './service/handlers.js';
import { joinPath } from './service/paths.js';
import type { GetDataValue, ReadMode, Stat } from './service/types.js';
import type { Clock } from './world.js';

export interface CoordinatorWorkloadOptions {
  /** A client with a fresh session: called at once, and again after the session expires. */
  open(): CoordinatorClient;
  /** The worker host's timers, for the lock's acquire timeout. */
  clock: Pick<Clock, 'setTimer' | 'clearTimer'>;
  /** How register reads are served; anything but linearizable lets stale reads through. */
  readMode?: ReadMode;
  /** A waiting acquire ends info after this long. */
  acquireTimeoutMs?: number;
  /** The deployment's bug modes; the client side of lock-skips-lease-check is in the lock recipe. */
  bugs?: readonly string[];
  resourceRoot?: string;
}

type Done = (outcome: OperationOutcome) => void;

/** One session and the recipes bound to it. */
interface Session {
  client: CoordinatorClient;
  registers: RegisterRecipe;
  sequences: SequenceRecipe;
  locks: LockRecipe;
  generation: number;
}

interface HeldLock {
  generation: number;
  path: string;
}

export function coordinatorWorkloadClient(options: CoordinatorWorkloadOptions): WorkloadClient {
  return new CoordinatorWorkloadClient(options);
}

export class CoordinatorWorkloadClient implements WorkloadClient {
  private session: Session;
  private readonly held = new Map<string, HeldLock>();
  private readonly resourceRoot: string;
  private wake: () => void = () => {};

  constructor(private readonly options: CoordinatorWorkloadOptions) {
    this.session = this.openSession(0);
    this.resourceRoot = options.resourceRoot ?? '/resources';
  }

  invoke(request: OperationRequest, done: Done): void {
    const session = this.liveSession();
    const key = request.key ?? '0';
    switch (request.f) {
      case 'read':
        return session.registers.read(key, this.reply(session, done));
      case 'write':
        return session.registers.write(key, request.value as number, this.reply(session, done));
      case 'cas': {
        const [from, to] = request.value as [number, number];
        return session.registers.cas(key, from, to, this.reply(session, done));
      }
      case 'next':
        return session.sequences.next(key, this.reply(session, done));
      case 'acquire':
        return this.acquire(session, key, done);
      case 'enter': {
        const trouble = this.lockTrouble(session, key);
        return done(trouble === null ? { type: 'ok', value: null } : { type: 'fail', error: trouble });
      }
      case 'exit':
        return done({ type: 'ok', value: null });
      case 'release':
        return this.release(session, key, done);
      case 'write-resource':
        return this.writeResource(session, key, (request.value as { token: number }).token, done);
      default:
        assert.fail(`the coordinator has no workload operation "${request.f}"`);
    }
  }

  close(): void {
    this.session.client.close();
  }

  onWake(wake: () => void): void {
    this.wake = wake;
  }

  /** True while this client holds a lock it knows is lost or in doubt. */
  urgent(): boolean {
    for (const key of this.held.keys()) if (this.lockTrouble(this.session, key) !== null) return true;
    return false;
  }

  private openSession(generation: number): Session {
    const client = this.options.open();
    const locks = new LockRecipe(client, this.options.clock, {
      ...(this.options.acquireTimeoutMs === undefined ? {} : { acquireTimeoutMs: this.options.acquireTimeoutMs }),
      checkOwnNode: !(this.options.bugs ?? []).includes(BUG_LOCK_SKIPS_LEASE_CHECK),
    });
    const registers = new RegisterRecipe(client, this.options.readMode === undefined ? {} : { readMode: this.options.readMode });
    client.onSessionEvent(() => {
      if (this.urgent()) this.wake();
    });
    return { client, registers, sequences: new SequenceRecipe(client), locks, generation };
  }

  /** The current session, replaced first when it has expired; connecting when it is not yet. */
  private liveSession(): Session {
    if (this.session.client.state === 'expired') {
      this.session.client.stop();
      this.session = this.openSession(this.session.generation + 1);
    }
    if (this.session.client.state === 'idle') this.session.client.connect(() => {});
    return this.session;
  }

  /** Maps a recipe's outcome, naming the answering server on ok. */
  private reply<T>(session: Session, done: Done, value: (result: T) => unknown = (result) => result): Callback<T> {
    return (outcome: Outcome<T>) => done(this.mapped(session, outcome, value));
  }

  private mapped<T>(session: Session, outcome: Outcome<T>, value: (result: T) => unknown = (result) => result): OperationOutcome {
    if (outcome.type === 'fail') return { type: 'fail', error: outcome.reason };
    if (outcome.type === 'info') return { type: 'info', error: outcome.reason };
    const server = session.client.server;
    return { type: 'ok', value: value(outcome.value), ...(server === null ? {} : { node: server }) };
  }

  /** Why the lock on `key` cannot be acted under now, or null while it is held for sure. */
  private lockTrouble(session: Session, key: string): 'lock-lost' | 'lock-in-doubt' | null {
    const lock = this.held.get(key);
    if (lock === undefined || lock.generation !== session.generation || session.client.state === 'expired') return 'lock-lost';
    return session.client.state === 'connected' ? null : 'lock-in-doubt';
  }

  /** Acquires, then reads the lock node's czxid as the fencing token; a failed read only leaves the token out. */
  private acquire(session: Session, key: string, done: Done): void {
    session.locks.acquire(key, (outcome) => {
      if (outcome.type !== 'ok') return done(this.mapped(session, outcome));
      const path = outcome.value;
      this.held.set(key, { generation: session.generation, path });
      const acquired = this.mapped(session, outcome, () => ({ path }));
      session.client.submit(requests.exists(path), (stat) => {
        const czxid = stat.type === 'ok' ? (stat.value as Stat | null)?.czxid : undefined;
        done(czxid === undefined || acquired.type !== 'ok' ? acquired : { ...acquired, value: { path, token: czxid } });
      });
    });
  }

  private release(session: Session, key: string, done: Done): void {
    const lock = this.held.get(key);
    this.held.delete(key);
    if (lock === undefined) return done({ type: 'fail', error: 'not-held' });
    if (lock.generation !== session.generation) return done({ type: 'info', error: 'lock-lost' });
    session.locks.release(key, (outcome) => {
      if (outcome.type === 'ok') return done(this.mapped(session, outcome, () => null));
      const gone = outcome.type === 'fail' && (outcome.reason === 'NONODE' || outcome.reason === 'session-expired');
      done({ type: 'info', error: gone ? 'lock-lost' : outcome.reason });
    });
  }

  /** Reads the largest token taken; writes ours only if it is not smaller, and only at the version read. */
  private writeResource(session: Session, key: string, token: number, done: Done): void {
    const path = joinPath(this.resourceRoot, key);
    const written = (outcome: Outcome): void => done(this.mapped(session, outcome, () => ({ token })));
    const create = (rootMayBeMissing: boolean): void =>
      session.client.submit(requests.create(path, String(token)), (outcome) => {
        if (outcome.type === 'fail' && outcome.reason === 'NONODE' && rootMayBeMissing) {
          return ensurePath(session.client, this.resourceRoot, (ensured) => (ensured.type === 'ok' ? create(false) : written(ensured)));
        }
        written(outcome);
      });
    session.client.submit(requests.getData(path), (outcome) => {
      if (outcome.type === 'fail' && outcome.reason === 'NONODE') return create(true);
      if (outcome.type !== 'ok') return written(outcome);
      const { data, stat } = outcome.value as GetDataValue;
      if (token < Number(data)) return done({ type: 'fail', error: 'stale-token' });
      session.client.submit(requests.setData(path, String(token), stat.version), written);
    });
  }
}
