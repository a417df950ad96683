/**
 * A small deterministic world for the engines' own tests, written before the
 * harness's simulator existed: seeded event queue, per-node clocks with a
 * rate, fsync-faithful storage, a lossy network with partitions, and crash
 * and restart. Every step is followed by the invariant checks.
 */
import assert from 'node:assert/strict';
import type { EngineKind, Position, ReadBarrierResult } from '../../engine.js';
import type { Address, Clock, Message, World } from '../../world.js';
import { SeededRandom } from '../../../../common/random.js';
import { createEngine } from '../index.js';
import type { InspectableEngine } from '../shared/options.js';
import { InvariantChecker, type NodeRecord } from './invariants.js';
import { ManualScheduler } from '../../../../common/testing/manual-scheduler.js';
import { RecordingService } from './service.js';
import { MemoryStorage } from './storage.js';

export interface ClusterConfig {
  kind: EngineKind;
  seed: number;
  voters: number;
  observers?: number;
  bugs?: string[];
  electionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  leaseMs?: number;
  maxClockDriftMs?: number;
  compactAfterEntries?: number;
  /** Each node's clock runs at a rate drawn from [1 - spread, 1 + spread]. */
  clockRateSpread?: number;
  lossRate?: number;
  duplicateRate?: number;
  maxLatencyMs?: number;
}

interface TestNode {
  address: Address;
  storage: MemoryStorage;
  rate: number;
  /** The wall clock reads clockOffsetMs + now * rate, the monotonic one monotonicOffsetMs + now * rate. */
  clockOffsetMs: number;
  monotonicOffsetMs: number;
  incarnation: number;
  alive: boolean;
  engine: InspectableEngine | null;
  service: RecordingService | null;
  record: NodeRecord | null;
}

export class TestCluster {
  readonly scheduler = new ManualScheduler();
  readonly checker = new InvariantChecker();
  readonly random: SeededRandom;
  readonly voters: Address[];
  readonly observers: Address[];
  readonly addresses: Address[];
  private readonly nodes = new Map<Address, TestNode>();
  private readonly blocked = new Set<string>();
  private readonly networkRandom: SeededRandom;
  lossRate: number;
  readonly logLines: string[] = [];

  constructor(readonly config: ClusterConfig) {
    this.random = new SeededRandom(config.seed);
    this.networkRandom = this.random.fork('network');
    this.lossRate = config.lossRate ?? 0;
    this.voters = Array.from({ length: config.voters }, (_, index) => `n${index + 1}`);
    this.observers = Array.from({ length: config.observers ?? 0 }, (_, index) => `n${config.voters + index + 1}`);
    this.addresses = [...this.voters, ...this.observers];
    const spread = config.clockRateSpread ?? 0;
    const clockRandom = this.random.fork('clocks');
    for (const address of this.addresses) {
      const rate = 1 - spread + 2 * spread * clockRandom.next();
      const node: TestNode = { address, storage: new MemoryStorage(), rate, clockOffsetMs: 1000, monotonicOffsetMs: 0, incarnation: 0, alive: false, engine: null, service: null, record: null };
      this.nodes.set(address, node);
    }
  }

  start(): void {
    for (const address of this.addresses) this.restart(address);
  }

  get nowMs(): number {
    return this.scheduler.nowMs();
  }

  private node(address: Address): TestNode {
    const node = this.nodes.get(address);
    assert.ok(node !== undefined, `no node ${address}`);
    return node;
  }

  engine(address: Address): InspectableEngine {
    const engine = this.node(address).engine;
    assert.ok(engine !== null && this.node(address).alive, `${address} is down`);
    return engine;
  }

  isAlive(address: Address): boolean {
    return this.node(address).alive;
  }

  /** A down node's storage, for tests that set up the durable state it restarts from. */
  storageOf(address: Address): MemoryStorage {
    const node = this.node(address);
    assert.ok(!node.alive, `${address} must be down while its storage is edited`);
    return node.storage;
  }

  restart(address: Address): void {
    const node = this.node(address);
    assert.ok(!node.alive, `${address} is already up`);
    node.incarnation += 1;
    node.alive = true;
    const incarnation = node.incarnation;
    const world = this.makeWorld(node, incarnation);
    const checker = this.checker;
    const service = new RecordingService(
      (entry, digest) => checker.onApplied(address, entry, digest),
      (snapshot) => checker.onInstalled(address, snapshot),
    );
    const config = this.config;
    const electionTimeoutMs = config.electionTimeoutMs ?? 150;
    const engine = createEngine(config.kind, {
      world,
      members: this.voters,
      observers: this.observers,
      onCommit: (entry) => service.apply(entry),
      takeSnapshot: () => service.snapshot(),
      installSnapshot: (snapshot) => service.install(snapshot),
      bugs: new Set(config.bugs ?? []),
      electionTimeoutMs,
      heartbeatIntervalMs: config.heartbeatIntervalMs ?? 30,
      leaseMs: config.leaseMs ?? electionTimeoutMs,
      maxClockDriftMs: config.maxClockDriftMs ?? 30,
      compactAfterEntries: config.compactAfterEntries ?? 40,
    });
    node.engine = engine;
    node.service = service;
    node.record = checker.newRecord(address, engine);
    engine.start();
    this.afterStep(address);
  }

  crash(address: Address): void {
    const node = this.node(address);
    if (!node.alive) return;
    node.alive = false;
    node.engine?.stop();
    node.storage.crash();
  }

  private makeWorld(node: TestNode, incarnation: number): World {
    const scheduler = this.scheduler;
    const timers = new Map<number, number>();
    let nextHandle = 0;
    const live = (): boolean => node.alive && node.incarnation === incarnation;
    const clock: Clock = {
      nowMs: () => node.clockOffsetMs + scheduler.nowMs() * node.rate,
      monotonicMs: () => node.monotonicOffsetMs + scheduler.nowMs() * node.rate,
      setTimer: (delayMs, callback) => {
        nextHandle += 1;
        const handle = nextHandle;
        // A positive delay waits at least a microsecond, as on the simulator: a timer re-armed for
        // the float hair its clock still lacks (TimerSet.extend) must see time move.
        const id = scheduler.schedule(delayMs > 0 ? Math.max(0.001, delayMs / node.rate) : 0, () => {
          timers.delete(handle);
          if (!live()) return;
          callback();
          this.afterStep(node.address);
        });
        timers.set(handle, id);
        return handle;
      },
      clearTimer: (handle) => {
        const id = timers.get(handle);
        if (id !== undefined) scheduler.cancel(id);
        timers.delete(handle);
      },
    };
    return {
      self: node.address,
      clock,
      random: this.random.fork(`${node.address}:${incarnation}`),
      storage: node.storage,
      transport: { send: (to, message) => live() && this.send(node.address, to, message) },
      log: (line) => this.logLines.push(`${scheduler.nowMs().toFixed(1)} ${line}`),
    };
  }

  private send(from: Address, to: Address, message: Message): void {
    assert.ok(message.type.startsWith(`${this.config.kind}.`), `message type ${message.type} lacks the engine prefix`);
    const text = JSON.stringify(message);
    const copies = this.networkRandom.chance(this.config.duplicateRate ?? 0) ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      if (this.blocked.has(`${from}>${to}`) || this.networkRandom.chance(this.lossRate)) continue;
      const latencyMs = 0.5 + this.networkRandom.next() * ((this.config.maxLatencyMs ?? 8) - 0.5);
      this.scheduler.schedule(latencyMs, () => this.deliver(from, to, text));
    }
  }

  private deliver(from: Address, to: Address, text: string): void {
    const node = this.node(to);
    if (!node.alive || node.engine === null || this.blocked.has(`${from}>${to}`)) return;
    node.engine.receive(from, JSON.parse(text) as Message);
    this.afterStep(to);
  }

  private afterStep(address: Address): void {
    const node = this.node(address);
    if (node.alive && node.record !== null) this.checker.checkNode(node.record);
    this.checkLeases();
  }

  private checkLeases(): void {
    const holders: Array<{ address: Address; epoch: number }> = [];
    for (const node of this.nodes.values()) {
      if (node.alive && node.engine !== null && node.engine.leaseValid()) {
        holders.push({ address: node.address, epoch: node.engine.status().epoch });
      }
    }
    this.checker.checkLeases(holders);
  }

  /** Changes how fast a node's clock runs from now on, without a jump. */
  setClockRate(address: Address, rate: number): void {
    const node = this.node(address);
    const readingMs = node.clockOffsetMs + this.scheduler.nowMs() * node.rate;
    const monotonicReadingMs = node.monotonicOffsetMs + this.scheduler.nowMs() * node.rate;
    node.rate = rate;
    node.clockOffsetMs = readingMs - this.scheduler.nowMs() * rate;
    node.monotonicOffsetMs = monotonicReadingMs - this.scheduler.nowMs() * rate;
  }

  /** Sets a node's wall clock forward (or back, when negative), as settimeofday does: timers and the monotonic clock go on. */
  bumpClock(address: Address, deltaMs: number): void {
    this.node(address).clockOffsetMs += deltaMs;
  }

  /** Cuts every link between the groups; nodes in no group are cut from all. */
  partition(groups: Address[][]): void {
    this.heal();
    const groupOf = new Map<Address, number>();
    groups.forEach((group, index) => group.forEach((address) => groupOf.set(address, index)));
    for (const from of this.addresses) {
      for (const to of this.addresses) {
        if (from !== to && (groupOf.get(from) ?? -1 - this.addresses.indexOf(from)) !== (groupOf.get(to) ?? -1 - this.addresses.indexOf(to))) {
          this.blocked.add(`${from}>${to}`);
        }
      }
    }
  }

  heal(): void {
    this.blocked.clear();
  }

  /** Each step is checked where it happens. */
  runFor(durationMs: number): void {
    this.scheduler.run(this.scheduler.nowMs() + durationMs);
  }

  /** Runs until the predicate holds (checked after each step); false if limitMs passed first. */
  runUntil(predicate: () => boolean, limitMs: number): boolean {
    const untilMs = this.scheduler.nowMs() + limitMs;
    while (!predicate()) {
      if (!this.scheduler.step(untilMs)) {
        this.scheduler.run(untilMs);
        return predicate();
      }
    }
    return true;
  }

  /** Live nodes that say they lead, highest epoch first. */
  leaders(): Address[] {
    const leaders = this.addresses.filter((address) => this.isAlive(address) && this.engine(address).status().role === 'leader');
    return leaders.sort((left, right) => this.engine(right).status().epoch - this.engine(left).status().epoch);
  }

  /** A leader that can take proposals now, if any. */
  proposer(): Address | null {
    for (const address of this.leaders()) {
      const engine = this.engine(address);
      if (engine.status().role === 'leader') return address;
    }
    return null;
  }

  propose(address: Address, id: string): Position | null {
    const position = this.engine(address).propose({ kind: 'test', id });
    this.afterStep(address);
    return position;
  }

  readBarrier(address: Address, callback: (result: ReadBarrierResult) => void): void {
    const committedBeforeCall = this.checker.maxCommitted;
    this.engine(address).readBarrier((result) => {
      if (result.ok) this.checker.checkReadBarrier(address, committedBeforeCall, result.position);
      callback(result);
    });
  }

  appliedDigest(address: Address): { position: Position; digest: number } {
    const service = this.node(address).service;
    assert.ok(service !== null);
    return { position: service.appliedPosition, digest: service.digest };
  }
}
