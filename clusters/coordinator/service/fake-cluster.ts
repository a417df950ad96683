/**
 * Test support: virtual time, a scriptable network, and a fake consensus
 * engine that commits at once (a shared log with one appointed leader), so
 * the service and client can be tested without the real engines or the
 * simulator. Nothing here is used outside tests.
 */
import assert from 'node:assert/strict';
import type { ConsensusEngine, EngineOptions, EngineStatus, LogEntry, ReadBarrierResult, Snapshot } from '../engine.js';
import type { Address, Clock, Endpoint, Message, Storage, TimerHandle, World } from '../world.js';
import { SeededRandom } from '../../../common/random.js';
import { createCoordinatorNode, type CoordinatorNode, type CoordinatorTiming } from '../node.js';
import { CoordinatorClient, type ClientOptions } from '../client/client.js';
import type { Callback, Outcome } from '../client/types.js';

interface TimedEvent {
  atMs: number;
  order: number;
  callback: () => void;
  cancelled: boolean;
}

export class VirtualTime {
  nowMs = 0;
  private events: TimedEvent[] = [];
  private readonly byHandle = new Map<TimerHandle, TimedEvent>();
  private nextOrder = 0;

  schedule(delayMs: number, callback: () => void): TimerHandle {
    assert.ok(delayMs >= 0 && Number.isFinite(delayMs), `bad delay ${delayMs}`);
    const event: TimedEvent = { atMs: this.nowMs + delayMs, order: this.nextOrder++, callback, cancelled: false };
    let low = 0;
    let high = this.events.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      const other = this.events[middle] as TimedEvent;
      if (other.atMs < event.atMs || (other.atMs === event.atMs && other.order < event.order)) low = middle + 1;
      else high = middle;
    }
    this.events.splice(low, 0, event);
    this.byHandle.set(event.order + 1, event);
    return event.order + 1;
  }

  cancel(handle: TimerHandle): void {
    const event = this.byHandle.get(handle);
    if (event !== undefined) event.cancelled = true;
    this.byHandle.delete(handle);
  }

  /** Runs events up to `untilMs`, or until `stop` says so; true when stopped by `stop`. */
  run(untilMs: number, stop: () => boolean = () => false): boolean {
    while (this.events.length > 0 && (this.events[0] as TimedEvent).atMs <= untilMs) {
      if (stop()) return true;
      const event = this.events.shift() as TimedEvent;
      if (event.cancelled) continue;
      this.byHandle.delete(event.order + 1);
      this.nowMs = event.atMs;
      event.callback();
    }
    if (stop()) return true;
    this.nowMs = Math.max(this.nowMs, untilMs);
    return false;
  }
}

export interface SentMessage {
  atMs: number;
  from: Address;
  to: Address;
  message: Message;
}

export class FakeNetwork {
  readonly endpoints = new Map<Address, Endpoint>();
  readonly sent: SentMessage[] = [];
  latencyMs = 1;
  /** Extra random delay up to this, which also reorders messages. */
  jitterMs = 0;
  lossRate = 0;
  /** Deliver every message twice, the copy a little later. */
  duplicate = false;
  private readonly blocked = new Set<string>();
  private readonly random = new SeededRandom(7);

  constructor(private readonly time: VirtualTime) {}

  seed(seed: number): void {
    Object.assign(this, { random: new SeededRandom(seed) });
  }

  send(from: Address, to: Address, message: Message): void {
    const copy = structuredClone(message);
    this.sent.push({ atMs: this.time.nowMs, from, to, message: copy });
    if (this.blocked.has(`${from}>${to}`)) return;
    if (this.lossRate > 0 && this.random.chance(this.lossRate)) return;
    const deliver = (): void => this.endpoints.get(to)?.receive(from, structuredClone(copy));
    const delayMs = (): number => this.latencyMs + (this.jitterMs > 0 ? this.random.next() * this.jitterMs : 0);
    this.time.schedule(delayMs(), deliver);
    if (this.duplicate) this.time.schedule(delayMs() + 1, deliver);
  }

  cut(from: Address, to: Address): void {
    this.blocked.add(`${from}>${to}`);
  }

  isolate(address: Address, others: readonly Address[]): void {
    for (const other of others) {
      this.cut(address, other);
      this.cut(other, address);
    }
  }

  heal(): void {
    this.blocked.clear();
  }

  countSent(predicate: (sent: SentMessage) => boolean): number {
    return this.sent.filter(predicate).length;
  }
}

/** One log, one appointed leader, commits delivered to every replica after a short delay. */
export class FakeConsensus {
  readonly log: LogEntry[] = [];
  leader: Address | null;
  leaseValid = true;
  barrierFails = false;
  commitDelayMs = 1;
  readonly engines = new Map<Address, FakeEngine>();
  /** Replicas that receive no commits until released. */
  readonly held = new Set<Address>();

  constructor(
    readonly time: VirtualTime,
    leader: Address | null,
  ) {
    this.leader = leader;
  }

  append(command: LogEntry['command']): number {
    const entry: LogEntry = { position: this.log.length + 1, epoch: 1, command: structuredClone(command) };
    this.log.push(entry);
    for (const engine of this.engines.values()) this.time.schedule(this.commitDelayMs, () => engine.deliver());
    return entry.position;
  }

  hold(address: Address): void {
    this.held.add(address);
  }

  release(address: Address): void {
    this.held.delete(address);
    this.time.schedule(this.commitDelayMs, () => this.engines.get(address)?.deliver());
  }
}

export class FakeEngine implements ConsensusEngine {
  applied = 0;
  private stopped = false;

  constructor(
    private readonly consensus: FakeConsensus,
    private readonly options: EngineOptions,
  ) {}

  start(): void {
    this.consensus.engines.set(this.options.world.self, this);
    this.deliver();
  }

  stop(): void {
    this.stopped = true;
    this.consensus.engines.delete(this.options.world.self);
  }

  receive(_from: Address, _message: Message): void {}

  propose(command: LogEntry['command']): number | null {
    return this.isLeader() ? this.consensus.append(command) : null;
  }

  readBarrier(callback: (result: ReadBarrierResult) => void): void {
    if (!this.isLeader()) return callback({ ok: false, reason: 'not-leader' });
    this.consensus.time.schedule(1, () =>
      callback(this.consensus.barrierFails ? { ok: false, reason: 'no-quorum' } : { ok: true, position: this.consensus.log.length }),
    );
  }

  leaseValid(): boolean {
    return this.isLeader() && this.consensus.leaseValid;
  }

  status(): EngineStatus {
    const self = this.options.world.self;
    return {
      self,
      role: this.stopped ? 'stopped' : this.isLeader() ? 'leader' : 'follower',
      epoch: 1,
      leader: this.consensus.leader,
      commitPosition: this.isLeader() ? this.consensus.log.length : this.applied,
      lastPosition: this.applied,
    };
  }

  committedEntries(fromPosition: number): LogEntry[] {
    return this.consensus.log.slice(0, this.applied).filter((entry) => entry.position >= fromPosition);
  }

  /** Replaces the replica's state as an engine's snapshot sync would. */
  installSnapshot(snapshot: Snapshot): void {
    this.options.installSnapshot(snapshot);
    this.applied = snapshot.position;
  }

  deliver(): void {
    const self = this.options.world.self;
    while (!this.stopped && !this.consensus.held.has(self) && this.applied < this.consensus.log.length) {
      this.options.onCommit(this.consensus.log[this.applied++] as LogEntry);
    }
  }

  private isLeader(): boolean {
    return !this.stopped && this.consensus.leader === this.options.world.self;
  }
}

class MapStorage implements Storage {
  private readonly values = new Map<string, unknown>();
  get(key: string): unknown {
    return this.values.get(key);
  }
  set(key: string, value: unknown): void {
    this.values.set(key, value);
  }
  delete(key: string): void {
    this.values.delete(key);
  }
  keys(prefix: string): string[] {
    return [...this.values.keys()].filter((key) => key.startsWith(prefix)).sort();
  }
  sync(): void {}
}

export interface FakeClusterOptions {
  /** 'fake' (default): the scripted FakeConsensus; otherwise the real engine of that kind. */
  engine?: 'fake' | 'raft' | 'zab';
  servers?: Address[];
  leader?: Address | null;
  bugs?: string[];
  timing?: Partial<CoordinatorTiming>;
}

export class FakeCluster {
  readonly time = new VirtualTime();
  readonly network = new FakeNetwork(this.time);
  readonly consensus: FakeConsensus;
  readonly servers: Address[];
  readonly nodes = new Map<Address, CoordinatorNode>();
  readonly clockOffsetsMs = new Map<Address, number>();
  readonly logs: string[] = [];
  /** Disks outlive restarts. */
  private readonly storages = new Map<Address, Storage>();

  constructor(private readonly options: FakeClusterOptions = {}) {
    this.servers = options.servers ?? ['n1', 'n2', 'n3'];
    this.consensus = new FakeConsensus(this.time, options.leader === undefined ? (this.servers[0] as Address) : options.leader);
    for (const server of this.servers) this.startNode(server);
  }

  startNode(address: Address): CoordinatorNode {
    const kind = this.options.engine ?? 'fake';
    const node = createCoordinatorNode({
      world: this.world(address),
      engineKind: kind === 'fake' ? 'raft' : kind,
      members: this.servers,
      bugs: this.options.bugs ?? [],
      timing: { sessionTickMs: 50, minSessionTimeoutMs: 100, ...this.options.timing },
      ...(kind === 'fake' ? { createEngine: (_kind, engineOptions) => new FakeEngine(this.consensus, engineOptions) } : {}),
    });
    this.nodes.set(address, node);
    this.network.endpoints.set(address, node);
    return node;
  }

  stopNode(address: Address): void {
    this.nodes.get(address)?.stop();
    this.nodes.delete(address);
    this.network.endpoints.delete(address);
  }

  world(address: Address): World {
    return {
      self: address,
      clock: this.clock(address),
      random: new SeededRandom(1).fork(address),
      storage: this.storageOf(address),
      transport: { send: (to, message) => this.network.send(address, to, message) },
      log: (line) => this.logs.push(`${this.time.nowMs} ${address} ${line}`),
    };
  }

  storageOf(address: Address): Storage {
    let storage = this.storages.get(address);
    if (storage === undefined) this.storages.set(address, (storage = new MapStorage()));
    return storage;
  }

  /** The server that believes it leads, if exactly one does. */
  leader(): Address | null {
    const leaders = [...this.nodes.entries()].filter(([, node]) => node.status().role === 'leader');
    return leaders.length === 1 ? (leaders[0] as [Address, CoordinatorNode])[0] : null;
  }

  clock(address: Address): Clock {
    return {
      nowMs: () => this.time.nowMs + (this.clockOffsetsMs.get(address) ?? 0),
      setTimer: (delayMs, callback) => this.time.schedule(Math.max(0, delayMs), callback),
      clearTimer: (handle) => this.time.cancel(handle),
    };
  }

  client(address: Address, options: Partial<ClientOptions> = {}): CoordinatorClient {
    const client = new CoordinatorClient({
      self: address,
      servers: this.servers,
      transport: { send: (to, message) => this.network.send(address, to, message) },
      clock: this.clock(address),
      ...options,
    });
    this.network.endpoints.set(address, client);
    return client;
  }

  /** A connected client, or a failed assertion. */
  connectedClient(address: Address, options: Partial<ClientOptions> = {}): CoordinatorClient {
    const client = this.client(address, options);
    const outcome = this.await<{ sessionId: number }>((callback) => client.connect(callback));
    assert.equal(outcome.type, 'ok', `${address} could not connect: ${JSON.stringify(outcome)}`);
    return client;
  }

  run(durationMs: number): void {
    this.time.run(this.time.nowMs + durationMs);
  }

  /** Starts something with a callback and runs time until it calls back. */
  await<T = unknown>(start: (callback: Callback<T>) => void, maxMs = 60_000): Outcome<T> {
    let outcome: Outcome<T> | undefined;
    start((result) => {
      assert.equal(outcome, undefined, 'a callback fired twice');
      outcome = result;
    });
    this.time.run(this.time.nowMs + maxMs, () => outcome !== undefined);
    assert.ok(outcome !== undefined, `no outcome within ${maxMs} ms`);
    return outcome;
  }
}
