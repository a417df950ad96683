/**
 * How fast the deterministic simulator runs the real coordinator: 3 nodes, 10
 * clients writing 100 ops/s in all, for 60 simulated seconds, with the
 * consensus invariants (and the coordinator's state-machine invariants)
 * checked after every step. By default both engines
 * run; each prints its speed-up over real time (best of several identical
 * runs, which must leave the same trace hash) by wall time and by CPU time,
 * and the last line reads `sim: <n>x real time` for the slower engine.
 *
 *   node dist/bench/sim.js [system ...] [--runs N] [--seconds S] [--reordering]
 *
 * Systems: coordinator-zab, coordinator-raft, toy (the simulator's own toy
 * primary-backup protocol, a floor for the simulator's overhead). Links are
 * FIFO, as over the TCP connections of a real deployment, unless
 * --reordering asks for the simulator's default reordering links.
 */
import { performance } from 'node:perf_hooks';
import { CoordinatorClient } from '../clusters/coordinator/client/client.js';
import { create, setData } from '../clusters/coordinator/client/requests.js';
import type { EngineKind } from '../clusters/coordinator/engine.js';
import { createCoordinatorNode, type CoordinatorNode } from '../clusters/coordinator/node.js';
import type { Address, World } from '../clusters/coordinator/world.js';
import { ConsensusInvariants, type EngineView } from '../clusters/coordinator/sim/invariants.js';
import { checkServiceInvariants } from '../clusters/coordinator/sim/service-invariants.js';
import { Simulation, type NodeEndpoint, type NodeFactory } from '../harness/runtimes/sim/index.js';
import { toyClient, toyReplicaNode, type ToyNode } from '../harness/runtimes/sim/toys/replication.js';

interface BenchClientOptions {
  opsPerSecond: number;
  record(event: string): void;
  /** Called with each completed write's latency, in ms of true virtual time. */
  latency(latencyMs: number): void;
  now(): number;
}

/** What the benchmark needs from a system: its server nodes, its clients, each node's engine, and its own step checks. */
interface BenchSystem {
  name: string;
  node(members: readonly Address[]): NodeFactory;
  client(members: readonly Address[], options: BenchClientOptions): NodeFactory;
  engine(endpoint: NodeEndpoint): EngineView;
  checkState?(endpoint: NodeEndpoint, address: Address): void;
}

const toySystem: BenchSystem = {
  name: 'toy primary-backup',
  node: (members) => toyReplicaNode(members),
  client: (members, options) => toyClient({ leader: members[0] as Address, timeoutMs: 1000, ...options }),
  engine: (endpoint) => endpoint as ToyNode,
};

/** The bundled coordinator: real nodes (service + engine) and real clients doing setData on one znode. */
function coordinatorSystem(engineKind: EngineKind): BenchSystem {
  return {
    name: `coordinator-${engineKind}`,
    node: (members) => (world) => createCoordinatorNode({ world, engineKind, members: [...members] }),
    client: (members, options) => (world) => coordinatorWriter(world, members, options),
    engine: (endpoint) => (endpoint as CoordinatorNode).engine,
    checkState: (endpoint, address) => checkServiceInvariants(address, endpoint as CoordinatorNode),
  };
}

/** A worker that connects, then writes at its rate, one write in flight at a time, as a history worker would. */
function coordinatorWriter(world: World, members: readonly Address[], options: BenchClientOptions): CoordinatorClient {
  const client = new CoordinatorClient({
    self: world.self,
    servers: members,
    transport: world.transport,
    clock: world.clock,
    random: world.random,
    firstServerIndex: world.random.integer(0, members.length),
    log: (line) => world.log(line),
  });
  const intervalMs = 1000 / options.opsPerSecond;
  let inFlight = false;
  const writeOnce = (): void => {
    world.clock.setTimer(intervalMs * (0.5 + world.random.next()), writeOnce);
    if (inFlight || client.state !== 'connected') return;
    inFlight = true;
    const value = String(world.random.integer(0, 1000));
    const startedMs = options.now();
    options.record(`invoke ${world.self} write ${value}`);
    client.submit(setData('/bench', value), (outcome) => {
      inFlight = false;
      if (outcome.type === 'ok') options.latency(options.now() - startedMs);
      options.record(`${outcome.type} ${world.self} write ${value}`);
    });
  };
  client.connect(() => client.submit(create('/bench', ''), () => writeOnce()));
  return client;
}

const SYSTEMS: Record<string, BenchSystem> = {
  'coordinator-zab': coordinatorSystem('zab'),
  'coordinator-raft': coordinatorSystem('raft'),
  toy: toySystem,
};
const DEFAULT_SYSTEMS = ['coordinator-zab', 'coordinator-raft'];

const NODE_COUNT = 3;
const CLIENT_COUNT = 10;
const TOTAL_OPS_PER_SECOND = 100;

interface BenchSettings {
  systems: BenchSystem[];
  runs: number;
  simulatedMs: number;
  reordering: boolean;
}

interface RunResult {
  wallMs: number;
  cpuMs: number;
  simulation: Simulation;
  invariants: ConsensusInvariants;
  latenciesMs: number[];
}

function parseArguments(argumentsGiven: string[]): BenchSettings {
  const settings: BenchSettings = { systems: [], runs: 7, simulatedMs: 60_000, reordering: false };
  for (let index = 0; index < argumentsGiven.length; index++) {
    const argument = argumentsGiven[index] as string;
    if (argument === '--runs') settings.runs = positiveNumber(argument, argumentsGiven[++index]);
    else if (argument === '--seconds') settings.simulatedMs = 1000 * positiveNumber(argument, argumentsGiven[++index]);
    else if (argument === '--reordering') settings.reordering = true;
    else settings.systems.push(SYSTEMS[argument] ?? fail(`unknown system ${argument}; one of ${Object.keys(SYSTEMS).join(', ')}`));
  }
  if (settings.systems.length === 0) settings.systems = DEFAULT_SYSTEMS.map((name) => SYSTEMS[name] as BenchSystem);
  return settings;
}

function positiveNumber(flag: string, text: string | undefined): number {
  const value = Number(text);
  return Number.isFinite(value) && value > 0 ? value : fail(`${flag} needs a positive number, got ${text}`);
}

function fail(message: string): never {
  console.error(`bench:sim: ${message}`);
  process.exit(3);
}

function timedRun(system: BenchSystem, settings: BenchSettings, seed: number): RunResult {
  const latency = settings.reordering ? {} : { ordered: true };
  const simulation = new Simulation({ seed, network: { latency: { baseMs: 0.2, tailMeanMs: 0.3 }, ...latency } });
  const members = Array.from({ length: NODE_COUNT }, (_, index) => `n${index + 1}`);
  for (const address of members) simulation.addNode(address, system.node(members));
  const latenciesMs: number[] = [];
  const options: BenchClientOptions = {
    opsPerSecond: TOTAL_OPS_PER_SECOND / CLIENT_COUNT,
    record: (event) => simulation.recordClientEvent(event),
    latency: (latencyMs) => latenciesMs.push(latencyMs),
    now: () => simulation.now(),
  };
  for (let index = 1; index <= CLIENT_COUNT; index++) simulation.addClient(`c${index}`, system.client(members, options));
  const invariants = new ConsensusInvariants();
  simulation.addStepChecks((endpoint, address) => {
    invariants.checkEngine(system.engine(endpoint));
    system.checkState?.(endpoint, address);
  });
  const startedMs = performance.now();
  const startedCpu = process.cpuUsage();
  simulation.run(settings.simulatedMs);
  const cpu = process.cpuUsage(startedCpu);
  return { wallMs: performance.now() - startedMs, cpuMs: (cpu.user + cpu.system) / 1000, simulation, invariants, latenciesMs };
}

function percentileMs(sortedMs: number[], fraction: number): string {
  if (sortedMs.length === 0) return '-';
  return (sortedMs[Math.min(sortedMs.length - 1, Math.floor(fraction * sortedMs.length))] as number).toFixed(1);
}

/** Runs one system and prints its figures; returns its best wall-time ratio. */
function benchSystem(system: BenchSystem, settings: BenchSettings): number {
  // An untimed run first lets the JIT compile the hot path, as it will have in any long run.
  timedRun(system, settings, 7);
  // Best of several identical runs, since other work on the machine only ever slows a run down.
  const runs = Array.from({ length: settings.runs }, () => timedRun(system, settings, 1));
  const hashes = new Set(runs.map((run) => run.simulation.traceHash()));
  if (hashes.size !== 1) throw new Error(`${system.name}: the same seed gave different traces: ${[...hashes].join(', ')}`);
  const best = runs.reduce((fastest, run) => (run.wallMs < fastest.wallMs ? run : fastest));
  const leastCpuMs = Math.min(...runs.map((run) => run.cpuMs));
  const stats = best.simulation.stats();
  const latencies = [...best.latenciesMs].sort((left, right) => left - right);
  const wallRatio = Math.round(settings.simulatedMs / best.wallMs);
  console.log(`${system.name}: ${stats.events} events (${stats.delivered} messages, ${stats.timersFired} timers), ${best.invariants.committedCount} committed, trace ${[...hashes][0]}`);
  console.log(`  write latency: p50 ${percentileMs(latencies, 0.5)} ms, p99 ${percentileMs(latencies, 0.99)} ms, max ${percentileMs(latencies, 1)} ms of ${latencies.length} writes`);
  console.log(`  wall: best ${best.wallMs.toFixed(1)} ms of ${runs.map((run) => run.wallMs.toFixed(0)).join('/')} ms: ${wallRatio}x real time`);
  // CPU time (all of the process's threads, the collector's too) is steadier than wall time on a busy machine.
  console.log(`  cpu: best ${leastCpuMs.toFixed(1)} ms: ${Math.round(settings.simulatedMs / leastCpuMs)}x simulated per CPU second`);
  return wallRatio;
}

function main(): void {
  const settings = parseArguments(process.argv.slice(2));
  const links = settings.reordering ? 'reordering links' : 'FIFO links';
  console.log(`${NODE_COUNT} nodes, ${CLIENT_COUNT} clients, ${TOTAL_OPS_PER_SECOND} ops/s, ${settings.simulatedMs / 1000} s simulated, ${links}, best of ${settings.runs}`);
  const ratios = settings.systems.map((system) => benchSystem(system, settings));
  console.log(`sim: ${Math.min(...ratios)}x real time`);
}

main();
