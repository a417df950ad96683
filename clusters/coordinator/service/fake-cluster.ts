/**
 * Test support for the service and client: the coordinator's nodes and
 * clients as hosts of a Simulation (the one simulated world: virtual time,
 * network, clocks, storage), with, by default, a fake consensus engine that
 * commits at once (a shared log with one appointed leader a test can move,
 * hold back on a replica, or make refuse read barriers): the exact control a
 * unit test of the service needs, which a real election cannot give. With
 * engine 'raft' or 'zab' the real engines run, checked after every step by
 * the simulator's ConsensusInvariants; every node's state machine is checked
 * after every step by the simulator's service invariants. The network is FIFO with 1 ms links
 * unless a test sets jitter, loss or duplication; every message sent is
 * recorded. Nothing here is used outside tests.
 */
import assert from 'node:assert/strict';
import type { Address, Clock, Endpoint, Message, World } from '../world.js';
import { Simulation } from '../../../harness/runtimes/sim/simulation.js';
import type { SimulatedStorage } from '../../../harness/runtimes/sim/storage.js';
import { createCoordinatorNode, type CoordinatorNode, type CoordinatorTiming } from '../node.js';
import { CoordinatorClient, type ClientOptions } from '../client/client.js';
import type { Callback, Outcome } from '../client/types.js';
import { ConsensusInvariants } from '../sim/invariants.js';
import { checkServiceInvariants } from '../sim/service-invariants.js';
import { FakeConsensus, FakeEngine } from './fake-engine.js';

/** The simulation's clock as the service tests use it. */
export class SimulationTime {
  constructor(private readonly simulation: Simulation) {}

  get nowMs(): number {
    return this.simulation.now();
  }

  schedule(delayMs: number, callback: () => void): void {
    this.simulation.after(delayMs, 'test', callback);
  }

  /** Runs events up to `untilMs`, or until `stop` says so; true when stopped by `stop`. */
  run(untilMs: number, stop: () => boolean = () => false): boolean {
    if (untilMs < this.nowMs) return stop();
    return this.simulation.runUntil(stop, untilMs - this.nowMs);
  }
}

export interface SentMessage {
  atMs: number;
  from: Address;
  to: Address;
  message: Message;
}

/** The simulation's network as the service tests set it: links, delays, loss, duplication, and what was sent. */
export class FakeNetwork {
  readonly sent: SentMessage[] = [];
  private settings = { latencyMs: 1, jitterMs: 0, lossRate: 0, duplicate: false };

  constructor(private readonly simulation: Simulation) {
    this.apply();
  }

  /** Extra random delay up to this, which also reorders messages. */
  set jitterMs(value: number) {
    this.settings.jitterMs = value;
    this.apply();
  }

  set lossRate(value: number) {
    this.settings.lossRate = value;
    this.apply();
  }

  /** Deliver every message twice. */
  set duplicate(value: boolean) {
    this.settings.duplicate = value;
    this.apply();
  }

  /** A transport that records what it sends. */
  recorded(from: Address, transport: World['transport']): World['transport'] {
    return {
      send: (to, message) => {
        this.sent.push({ atMs: this.simulation.now(), from, to, message });
        transport.send(to, message);
      },
    };
  }

  cut(from: Address, to: Address): void {
    this.simulation.cutLink(from, to);
  }

  isolate(address: Address, others: readonly Address[]): void {
    for (const other of others) {
      if (other === address) continue;
      this.cut(address, other);
      this.cut(other, address);
    }
  }

  heal(): void {
    this.simulation.heal();
  }

  countSent(predicate: (sent: SentMessage) => boolean): number {
    return this.sent.filter(predicate).length;
  }

  private apply(): void {
    const { latencyMs, jitterMs, lossRate, duplicate } = this.settings;
    this.simulation.setNetworkOptions({
      latency: { baseMs: latencyMs, tailMeanMs: jitterMs / 2, maxMs: latencyMs + jitterMs },
      ordered: jitterMs === 0,
      lossProbability: lossRate,
      duplicateProbability: duplicate ? 1 : 0,
    });
  }
}

export interface FakeClusterOptions {
  /** 'fake' (default): the scripted FakeConsensus; otherwise the real engine of that kind. */
  engine?: 'fake' | 'raft' | 'zab';
  servers?: Address[];
  leader?: Address | null;
  bugs?: string[];
  timing?: Partial<CoordinatorTiming>;
  /** The simulation's seed (network draws, each host's random). */
  seed?: number;
}

export class FakeCluster {
  readonly simulation: Simulation;
  readonly time: SimulationTime;
  readonly network: FakeNetwork;
  readonly consensus: FakeConsensus;
  readonly servers: Address[];
  readonly nodes = new Map<Address, CoordinatorNode>();
  private readonly worlds = new Map<Address, World>();
  /** What a client host boots next: a client re-made on an address runs as a new incarnation of its host. */
  private readonly clientFactories = new Map<Address, (world: World) => Endpoint>();

  constructor(private readonly options: FakeClusterOptions = {}) {
    this.simulation = new Simulation({ seed: options.seed ?? 1 });
    this.time = new SimulationTime(this.simulation);
    this.network = new FakeNetwork(this.simulation);
    this.servers = options.servers ?? ['n1', 'n2', 'n3'];
    this.consensus = new FakeConsensus(this.simulation, options.leader === undefined ? (this.servers[0] as Address) : options.leader);
    for (const server of this.servers) this.simulation.addNode(server, (world) => this.bootNode(world));
    if ((options.engine ?? 'fake') !== 'fake') {
      const invariants = new ConsensusInvariants();
      this.simulation.addStepChecks((endpoint) => invariants.checkEngine((endpoint as CoordinatorNode).engine));
    }
    this.simulation.addStepChecks((endpoint, address) => checkServiceInvariants(address, endpoint as CoordinatorNode));
  }

  private bootNode(hostWorld: World): CoordinatorNode {
    const address = hostWorld.self;
    const kind = this.options.engine ?? 'fake';
    const node = createCoordinatorNode({
      world: { ...hostWorld, transport: this.network.recorded(address, hostWorld.transport) },
      engineKind: kind === 'fake' ? 'raft' : kind,
      members: this.servers,
      bugs: this.options.bugs ?? [],
      timing: { sessionTickMs: 50, minSessionTimeoutMs: 100, ...this.options.timing },
      ...(kind === 'fake' ? { createEngine: (_kind, engineOptions) => new FakeEngine(this.consensus, engineOptions) } : {}),
    });
    this.nodes.set(address, node);
    return node;
  }

  /** Starts a stopped server again, from what its storage kept. */
  startNode(address: Address): CoordinatorNode {
    this.simulation.restart(address);
    return this.nodes.get(address) as CoordinatorNode;
  }

  /** A clean stop: the node's stop() runs, then its host goes down. */
  stopNode(address: Address): void {
    if (this.simulation.state(address) !== 'running') return;
    this.simulation.stop(address);
    this.nodes.delete(address);
  }

  /** A World for a host of the test's own (a node it builds by hand), whose sends are recorded. */
  world(address: Address): World {
    return this.clientHost(address, () => ({ receive: () => undefined }));
  }

  storageOf(address: Address): SimulatedStorage {
    return this.simulation.storage(address);
  }

  /** The server that believes it leads, if exactly one does. */
  leader(): Address | null {
    const leaders = [...this.nodes.entries()].filter(([, node]) => node.status().role === 'leader');
    return leaders.length === 1 ? (leaders[0] as [Address, CoordinatorNode])[0] : null;
  }

  /** A host's clock; a name that is no host yet gets a host of its own that receives nothing. */
  clock(address: Address): Clock {
    return (this.worlds.get(address) ?? this.world(address)).clock;
  }

  client(address: Address, options: Partial<ClientOptions> = {}): CoordinatorClient {
    let client: CoordinatorClient | undefined;
    this.clientHost(address, (world) => {
      client = new CoordinatorClient({ self: address, servers: this.servers, transport: world.transport, clock: world.clock, ...options });
      return client;
    });
    return client as CoordinatorClient;
  }

  /** Boots (or boots again) a client host whose endpoint the factory makes, with sends recorded. */
  private clientHost(address: Address, factory: (world: World) => Endpoint): World {
    this.clientFactories.set(address, factory);
    if (this.worlds.has(address)) {
      this.simulation.crash(address);
      this.simulation.restart(address);
    } else {
      this.simulation.addClient(address, (hostWorld) => {
        const world = { ...hostWorld, transport: this.network.recorded(address, hostWorld.transport) };
        this.worlds.set(address, world);
        return (this.clientFactories.get(address) as (world: World) => Endpoint)(world);
      });
    }
    return this.worlds.get(address) as World;
  }

  /** A connected client, or a failed assertion. */
  connectedClient(address: Address, options: Partial<ClientOptions> = {}): CoordinatorClient {
    const client = this.client(address, options);
    const outcome = this.await<{ sessionId: number }>((callback) => client.connect(callback));
    assert.equal(outcome.type, 'ok', `${address} could not connect: ${JSON.stringify(outcome)}`);
    return client;
  }

  run(durationMs: number): void {
    this.simulation.runFor(durationMs);
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
