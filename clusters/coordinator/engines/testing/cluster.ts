/**
 * The engines' own tests on the simulator: each node is one bare engine
 * (ZAB or Raft, no service: a RecordingService folds what it applies into a
 * digest) on a host of a Simulation, which supplies virtual time, per-node
 * clocks with a rate, fsync-faithful storage, a lossy, duplicating network
 * with partitions, and crash and restart. After every step the simulator's
 * consensus invariants (ConsensusInvariants, as in every simulated run) and
 * the engine-level checks of invariants.ts run.
 */
import assert from 'node:assert/strict';
import type { EngineKind, Position, ReadBarrierResult } from '../../engine.js';
import type { Address, World } from '../../world.js';
import { SeededRandom } from '../../../../common/random.js';
import { InvariantViolation } from '../../../../common/invariant-violation.js';
import { NodeCrashError } from '../../../../harness/runtimes/sim/node-crash.js';
import { Simulation } from '../../../../harness/runtimes/sim/simulation.js';
import type { SimulatedStorage } from '../../../../harness/runtimes/sim/storage.js';
import { ConsensusInvariants } from '../../sim/invariants.js';
import { createEngine } from '../index.js';
import type { InspectableEngine } from '../shared/options.js';
import { InvariantChecker, type NodeRecord } from './invariants.js';
import { RecordingService } from './service.js';

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

/** What runs on a node's host now. */
interface Running {
  engine: InspectableEngine;
  service: RecordingService;
  record: NodeRecord;
}

/** Every wall clock starts this far from true time, so no engine mistakes a reading for a duration. */
const CLOCK_OFFSET_MS = 1000;

export class TestCluster {
  readonly simulation: Simulation;
  readonly checker = new InvariantChecker();
  readonly invariants = new ConsensusInvariants();
  readonly random: SeededRandom;
  readonly voters: Address[];
  readonly observers: Address[];
  readonly addresses: Address[];
  readonly logLines: string[] = [];
  private readonly running = new Map<Address, Running>();
  private lossProbability: number;

  constructor(readonly config: ClusterConfig) {
    this.random = new SeededRandom(config.seed);
    this.lossProbability = config.lossRate ?? 0;
    const maxLatencyMs = config.maxLatencyMs ?? 8;
    this.simulation = new Simulation({
      seed: config.seed,
      network: {
        latency: { baseMs: 0.5, tailMeanMs: (maxLatencyMs - 0.5) / 2, maxMs: maxLatencyMs },
        lossProbability: this.lossProbability,
        duplicateProbability: config.duplicateRate ?? 0,
      },
    });
    this.voters = Array.from({ length: config.voters }, (_, index) => `n${index + 1}`);
    this.observers = Array.from({ length: config.observers ?? 0 }, (_, index) => `n${config.voters + index + 1}`);
    this.addresses = [...this.voters, ...this.observers];
  }

  /** Boots every node; the checks run after every step from here on. */
  start(): void {
    const spread = this.config.clockRateSpread ?? 0;
    const clockRandom = this.random.fork('clocks');
    for (const address of this.addresses) {
      this.simulation.addNode(address, (world) => this.boot(world), { clockOffsetMs: CLOCK_OFFSET_MS });
      if (spread > 0) this.simulation.setClockRate(address, 1 - spread + 2 * spread * clockRandom.next());
    }
    this.simulation.addStepChecks((endpoint, address) => {
      this.invariants.checkEngine(endpoint as InspectableEngine);
      const running = this.running.get(address);
      if (running !== undefined && running.engine === endpoint) this.checker.checkNode(running.record);
    });
    this.simulation.addObserver(() => this.checkLeases());
  }

  get nowMs(): number {
    return this.simulation.now();
  }

  /** The packets lost on every link from now on (0 to 1). */
  get lossRate(): number {
    return this.lossProbability;
  }

  set lossRate(probability: number) {
    this.lossProbability = probability;
    this.simulation.setNetworkOptions({ lossProbability: probability });
  }

  engine(address: Address): InspectableEngine {
    const running = this.running.get(address);
    assert.ok(running !== undefined && this.isAlive(address), `${address} is down`);
    return running.engine;
  }

  isAlive(address: Address): boolean {
    return this.simulation.state(address) === 'running';
  }

  /** A down node's storage, for tests that set up the durable state it restarts from. */
  storageOf(address: Address): SimulatedStorage {
    assert.ok(!this.isAlive(address), `${address} must be down while its storage is edited`);
    return this.simulation.storage(address);
  }

  restart(address: Address): void {
    assert.ok(!this.isAlive(address), `${address} is already up`);
    this.guard(() => this.simulation.restart(address));
  }

  crash(address: Address): void {
    if (!this.isAlive(address)) return;
    // What it last applied stays readable (appliedDigest) until it restarts.
    this.simulation.crash(address);
  }

  /** One incarnation of a node: a fresh engine and service on the host's World. */
  private boot(hostWorld: World): InspectableEngine {
    const address = hostWorld.self;
    const kind = this.config.kind;
    const world: World = {
      ...hostWorld,
      transport: {
        send: (to, message) => {
          assert.ok(message.type.startsWith(`${kind}.`), `message type ${message.type} lacks the engine prefix`);
          hostWorld.transport.send(to, message);
        },
      },
      log: (line) => {
        this.logLines.push(`${this.simulation.now().toFixed(1)} ${address} ${line}`);
        hostWorld.log(line);
      },
    };
    const checker = this.checker;
    const service = new RecordingService(
      (entry, digest) => checker.onApplied(address, entry, digest),
      (snapshot) => checker.onInstalled(address, snapshot),
    );
    const electionTimeoutMs = this.config.electionTimeoutMs ?? 150;
    const engine = createEngine(kind, {
      world,
      members: this.voters,
      observers: this.observers,
      onCommit: (entry) => service.apply(entry),
      takeSnapshot: () => service.snapshot(),
      installSnapshot: (snapshot) => service.install(snapshot),
      bugs: new Set(this.config.bugs ?? []),
      electionTimeoutMs,
      heartbeatIntervalMs: this.config.heartbeatIntervalMs ?? 30,
      leaseMs: this.config.leaseMs ?? electionTimeoutMs,
      maxClockDriftMs: this.config.maxClockDriftMs ?? 30,
      compactAfterEntries: this.config.compactAfterEntries ?? 40,
    });
    this.running.set(address, { engine, service, record: checker.newRecord(address, engine) });
    engine.start();
    return engine;
  }

  /** Checks run after every step; a check that fails inside a node's own code ends the run as the violation, not as a crash. */
  private guard<T>(run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof NodeCrashError && error.cause instanceof InvariantViolation) throw error.cause;
      throw error;
    }
  }

  private checkLeases(): void {
    const holders: Array<{ address: Address; epoch: number }> = [];
    for (const [address, running] of this.running) {
      if (this.isAlive(address) && running.engine.leaseValid()) holders.push({ address, epoch: running.engine.status().epoch });
    }
    this.checker.checkLeases(holders);
  }

  /** Changes how fast a node's clock runs from now on, without a jump. */
  setClockRate(address: Address, rate: number): void {
    this.simulation.setClockRate(address, rate);
  }

  /** Sets a node's wall clock forward (or back, when negative), as settimeofday does: timers and the monotonic clock go on. */
  bumpClock(address: Address, deltaMs: number): void {
    this.simulation.bumpClock(address, deltaMs);
  }

  /** Cuts every link between the groups (which name every node), after healing what was cut before. */
  partition(groups: Address[][]): void {
    assert.equal(groups.flat().length, this.addresses.length, 'a test partition names every node');
    this.simulation.heal();
    this.simulation.partition(groups);
  }

  heal(): void {
    this.simulation.heal();
  }

  runFor(durationMs: number): void {
    this.guard(() => this.simulation.runFor(durationMs));
  }

  /** Runs until the predicate holds (checked before each step); false if limitMs passed first. */
  runUntil(predicate: () => boolean, limitMs: number): boolean {
    return this.guard(() => this.simulation.runUntil(predicate, limitMs));
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
    const position = this.guard(() => this.engine(address).propose({ kind: 'test', id }));
    this.checkNow(address);
    return position;
  }

  /** The checks a step would run, for a call the test made between steps. */
  private checkNow(address: Address): void {
    const running = this.running.get(address);
    if (running === undefined || !this.isAlive(address)) return;
    this.invariants.checkEngine(running.engine);
    this.checker.checkNode(running.record);
    this.checkLeases();
  }

  readBarrier(address: Address, callback: (result: ReadBarrierResult) => void): void {
    const committedBeforeCall = this.checker.maxCommitted;
    this.engine(address).readBarrier((result) => {
      if (result.ok) this.checker.checkReadBarrier(address, committedBeforeCall, result.position);
      callback(result);
    });
  }

  appliedDigest(address: Address): { position: Position; digest: number } {
    const running = this.running.get(address);
    assert.ok(running !== undefined, `${address} never ran`);
    return { position: running.service.appliedPosition, digest: running.service.digest };
  }
}
