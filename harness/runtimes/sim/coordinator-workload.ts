/**
 * Client work for a simulated coordinator cluster: each worker is a client
 * host that runs one operation at a time through the client recipes
 * (register read/write/cas, sequence next, lock acquire/release), pausing a
 * random think time between them, and records every operation with its
 * invoke and completion times in true virtual time. The records are a simple
 * history for in-test checks (coordinator-anomalies.ts); every invoke and
 * completion also goes into the simulation's trace.
 */
import { LockRecipe, RegisterRecipe, SequenceRecipe } from '../../../clusters/coordinator/client/recipes.js';
import type { CoordinatorClient } from '../../../clusters/coordinator/client/client.js';
import type { Outcome } from '../../../clusters/coordinator/client/types.js';
import type { ReadMode } from '../../../clusters/coordinator/service/types.js';
import type { World } from '../../../clusters/coordinator/world.js';
import type { ClientSettings, CoordinatorCluster } from '../../../clusters/coordinator/sim/cluster.js';
import type { Simulation } from './simulation.js';

export type OperationKind = 'read' | 'write' | 'cas' | 'next' | 'acquire' | 'release';

export interface RecordedOperation {
  client: string;
  kind: OperationKind;
  key: string;
  /** write: the value written; cas: [from, to]; read and next: null. */
  argument: unknown;
  readMode: ReadMode | null;
  invokeMs: number;
  /** Infinity while pending. */
  completeMs: number;
  type: 'ok' | 'fail' | 'info' | 'pending';
  /** The ok result: the value read, the id handed out, the lock node. */
  result: unknown;
}

/** Relative weights of the operations a worker picks from. */
export interface WorkloadMix {
  read?: number;
  write?: number;
  cas?: number;
  next?: number;
  lock?: number;
  /** Read modes, picked uniformly per read. */
  readModes?: readonly ReadMode[];
  /** Register keys, picked uniformly. */
  keys?: readonly string[];
}

export interface WorkloadOptions {
  clients: number;
  /** One mix for every worker, or one per worker in turn (worker i takes mix[(i - 1) % length]). */
  mix: WorkloadMix | readonly WorkloadMix[];
  /** Pause between one operation's completion and the next invoke. */
  thinkMs: { min: number; max: number };
  /** Workers invoke nothing at or after this time. */
  stopAtMs: number;
  /** How long a lock is held before release. */
  lockHoldMs?: { min: number; max: number };
  client?: ClientSettings;
}

const DEFAULT_CLIENT_SETTINGS: ClientSettings = { sessionTimeoutMs: 2000, requestTimeoutMs: 1000, connectTimeoutMs: 500 };

/** What all workers share: the history, and a counter that keeps written values unique. */
interface SharedState {
  history: RecordedOperation[];
  lastValue: number;
}

/**
 * Adds `options.clients` worker hosts (w1, w2, ...) and returns the history
 * they fill. A worker whose session expired starts over as a new incarnation
 * of its host, with a new client and session, as a restarted process would.
 */
export function startWorkload(cluster: CoordinatorCluster<Simulation>, options: WorkloadOptions): RecordedOperation[] {
  const shared: SharedState = { history: [], lastValue: 0 };
  const mixes: readonly WorkloadMix[] = Array.isArray(options.mix) ? options.mix : [options.mix as WorkloadMix];
  for (let index = 1; index <= options.clients; index++) {
    const settings = { ...DEFAULT_CLIENT_SETTINGS, firstServerIndex: index - 1, ...options.client };
    const mix = mixes[(index - 1) % mixes.length] as WorkloadMix;
    cluster.addClient(`w${index}`, settings, (client, world) => new Worker(cluster, client, world, options, mix, shared).start());
  }
  return shared.history;
}

function pick<Item>(random: World['random'], items: readonly Item[]): Item {
  return items[random.integer(0, items.length)] as Item;
}

class Worker {
  private readonly registers: Map<ReadMode, RegisterRecipe>;
  private readonly sequence: SequenceRecipe;
  private readonly lock: LockRecipe;
  private readonly history: RecordedOperation[];
  private readonly weights: [OperationKind | 'lock', number][];

  constructor(
    private readonly cluster: CoordinatorCluster<Simulation>,
    private readonly client: CoordinatorClient,
    private readonly world: World,
    private readonly options: WorkloadOptions,
    private readonly mix: WorkloadMix,
    private readonly shared: SharedState,
  ) {
    this.history = shared.history;
    const modes: ReadMode[] = ['linearizable', 'sequential', 'lease'];
    this.registers = new Map(modes.map((mode) => [mode, new RegisterRecipe(client, { readMode: mode })]));
    this.sequence = new SequenceRecipe(client);
    this.lock = new LockRecipe(client, world.clock, { acquireTimeoutMs: 1500 });
    this.weights = (['read', 'write', 'cas', 'next', 'lock'] as const).map((kind) => [kind, mix[kind] ?? 0]);
  }

  start(): void {
    this.client.connect(() => this.next());
  }

  private next(): void {
    const { min, max } = this.options.thinkMs;
    this.world.clock.setTimer(min + this.world.random.next() * (max - min), () => {
      if (this.now() >= this.options.stopAtMs) return;
      if (this.client.state === 'expired') return this.startOver();
      if (this.client.state === 'idle') return this.client.connect(() => this.next());
      this.invokeOne();
    });
  }

  /** A new incarnation of this host: outside the current event, since it drops this very worker. */
  private startOver(): void {
    const simulation = this.cluster.simulation;
    const address = this.world.self;
    simulation.after(0, `new session for ${address}`, () => {
      simulation.crash(address);
      simulation.restart(address);
    });
  }

  private invokeOne(): void {
    const random = this.world.random;
    const mix = this.mix;
    const key = pick(random, mix.keys ?? ['r']);
    const done = (): void => this.next();
    switch (this.pickKind()) {
      case 'read': {
        const mode = pick<ReadMode>(random, mix.readModes ?? ['linearizable']);
        const record = this.invoke('read', key, null, mode);
        return (this.registers.get(mode) as RegisterRecipe).read(key, (outcome) => this.complete(record, outcome, done));
      }
      case 'write': {
        // Unique values, so a read names the one write it saw.
        const value = this.uniqueValue();
        const record = this.invoke('write', key, value, null);
        return this.register().write(key, value, (outcome) => this.complete(record, outcome, done));
      }
      case 'cas': {
        const [from, to] = [pick(random, this.recentValues(key)), this.uniqueValue()];
        const record = this.invoke('cas', key, [from, to], null);
        return this.register().cas(key, from, to, (outcome) => this.complete(record, outcome, done));
      }
      case 'next': {
        const record = this.invoke('next', 's', null, null);
        return this.sequence.next('s', (outcome) => this.complete(record, outcome, done));
      }
      default:
        return this.lockCycle();
    }
  }

  /**
   * Acquire, hold a while, release; a release is only tried after an ok
   * acquire. A lock node of unknown fate (an acquire or release that timed
   * out) would block every other worker for as long as this session lives,
   * so then the worker starts over with a new session, as a real client
   * should: the old session expires and takes its node along.
   */
  private lockCycle(): void {
    const acquire = this.invoke('acquire', 'l', null, null);
    this.lock.acquire('l', (outcome) => {
      this.complete(acquire, outcome, () => undefined);
      if (outcome.type === 'info') return this.startOver();
      if (outcome.type !== 'ok') return this.next();
      const hold = this.options.lockHoldMs ?? { min: 10, max: 100 };
      this.world.clock.setTimer(hold.min + this.world.random.next() * (hold.max - hold.min), () => {
        const release = this.invoke('release', 'l', null, null);
        this.lock.release('l', (released) => this.complete(release, released, () => (released.type === 'ok' ? this.next() : this.startOver())));
      });
    });
  }

  private pickKind(): OperationKind | 'lock' {
    const total = this.weights.reduce((sum, [, weight]) => sum + weight, 0);
    let draw = this.world.random.next() * total;
    for (const [kind, weight] of this.weights) {
      draw -= weight;
      if (draw < 0) return kind;
    }
    return 'read';
  }

  private register(): RegisterRecipe {
    return this.registers.get('linearizable') as RegisterRecipe;
  }

  private uniqueValue(): number {
    this.shared.lastValue += 1;
    return this.shared.lastValue;
  }

  /** Values a cas may expect: some this worker wrote lately, or any ok write's; a miss just fails. */
  private recentValues(key: string): number[] {
    const values: number[] = [];
    for (let index = this.history.length - 1; index >= 0 && values.length < 5; index--) {
      const record = this.history[index] as RecordedOperation;
      if (record.key === key && record.kind === 'write' && record.type === 'ok') values.push(record.argument as number);
    }
    return values.length > 0 ? values : [0];
  }

  private invoke(kind: OperationKind, key: string, argument: unknown, readMode: ReadMode | null): RecordedOperation {
    const record: RecordedOperation = { client: this.world.self, kind, key, argument, readMode, invokeMs: this.now(), completeMs: Infinity, type: 'pending', result: null };
    this.history.push(record);
    this.cluster.simulation.recordClientEvent(`invoke ${record.client} ${kind} ${key} ${JSON.stringify(argument)}`);
    return record;
  }

  private complete(record: RecordedOperation, outcome: Outcome, then: () => void): void {
    record.completeMs = this.now();
    record.type = outcome.type;
    record.result = outcome.type === 'ok' ? outcome.value : null;
    const detail = outcome.type === 'ok' ? JSON.stringify(outcome.value) : outcome.reason;
    this.cluster.simulation.recordClientEvent(`${outcome.type} ${record.client} ${record.kind} ${detail}`);
    then();
  }

  private now(): number {
    return this.cluster.simulation.now();
  }
}
