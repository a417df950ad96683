/**
 * The simulator's core, shared by the public Simulation: virtual time, hosts,
 * running, observers, and inspection. Faults live in simulation.ts.
 *
 * Units: the public API speaks milliseconds of virtual true time (fractions
 * allowed); inside, time is whole microseconds, so event order never depends
 * on float rounding.
 */
import assert from 'node:assert/strict';
import type { Address, Endpoint, World } from '../../../clusters/coordinator/world.js';
import { SeededRandom } from '../../../common/random.js';
import { TraceCode } from './events.js';
import { Host, type HostRole, type HostState, type NodeEndpoint, type NodeFactory } from './host.js';
import { ANY_HOST_MAY_HAVE_CHANGED, SimulationKernel, type SimulationStats } from './kernel.js';
import { DEFAULT_LIMITS, type SimulationLimits } from './limits.js';
import { DEFAULT_LINK_OPTIONS, NetworkModel, resolveLinkOptions, type LinkOptionsInput } from './network.js';
import { TraceRecorder } from './trace.js';
import type { Scheduler } from '../index.js';

export interface SimulationOptions {
  seed: number;
  /** Defaults for every link; override single links with setLinkOptions(). */
  network?: LinkOptionsInput;
  limits?: Partial<SimulationLimits>;
  /** Keep the last this many events as text (traceLines()); 0 keeps none and costs nothing. */
  traceBufferSize?: number;
  /** Log lines kept per host. */
  logLinesPerHost?: number;
}

export interface HostOptions {
  /** The host's wall clock starts this far from true time. */
  clockOffsetMs?: number;
}

export class SimulationCore implements Scheduler {
  readonly seed: number;
  private readonly root: SeededRandom;
  private readonly hostRandom: SeededRandom;
  protected readonly kernel: SimulationKernel;
  protected readonly network: NetworkModel;
  private readonly trace: TraceRecorder;
  private readonly logLinesPerHost: number;

  constructor(options: SimulationOptions) {
    this.seed = options.seed;
    this.root = new SeededRandom(options.seed);
    this.hostRandom = this.root.fork('hosts');
    const limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.network = new NetworkModel(resolveLinkOptions(options.network ?? {}, DEFAULT_LINK_OPTIONS), this.root.fork('network'));
    this.trace = new TraceRecorder(options.traceBufferSize ?? 0);
    this.kernel = new SimulationKernel(limits, this.network, this.trace);
    this.logLinesPerHost = options.logLinesPerHost ?? 10_000;
  }

  /** Virtual true time, in ms. */
  now(): number {
    return this.kernel.nowUs / 1000;
  }

  /** The run's clock as the Scheduler seam names it: virtual time, in ms. */
  nowMs(): number {
    return this.now();
  }

  nowUs(): number {
    return this.kernel.nowUs;
  }

  /** A random stream for the harness (generator, nemesis), derived from the seed by name. */
  random(name: string): SeededRandom {
    return this.root.fork(`harness:${name}`);
  }

  /** Boots a server node now; the factory is called again, with a fresh World, on every restart. */
  addNode(address: Address, factory: NodeFactory, options: HostOptions = {}): World {
    return this.addHost(address, 'node', factory, options);
  }

  /** A client: an endpoint, or a factory given the client's World (its transport, clock, random). */
  addClient(address: Address, client: Endpoint | NodeFactory, options: HostOptions = {}): World {
    const factory: NodeFactory = typeof client === 'function' ? client : () => client;
    return this.addHost(address, 'client', factory, options);
  }

  /** Runs every event due up to untilMs, then sets the time to untilMs. */
  run(untilMs: number): void {
    const untilUs = this.toUs(untilMs);
    assert.ok(untilUs >= this.kernel.nowUs, `run(${untilMs}) is in the past (now ${this.now()} ms)`);
    if (untilUs > this.maxVirtualTimeUs()) this.kernel.limitReached('maxVirtualTimeMs');
    while (this.kernel.advance(untilUs));
    this.kernel.nowUs = untilUs;
  }

  runFor(durationMs: number): void {
    this.run(this.now() + durationMs);
  }

  /** Runs one event; false when nothing is left to happen. */
  step(): boolean {
    return this.kernel.advance(Infinity);
  }

  /** Steps until the predicate holds (checked before each step) or timeoutMs of virtual time pass. */
  runUntil(predicate: () => boolean, timeoutMs: number): boolean {
    const deadlineUs = Math.min(this.kernel.nowUs + this.toUs(timeoutMs), this.maxVirtualTimeUs());
    while (!predicate()) {
      if (!this.kernel.advance(deadlineUs)) {
        this.kernel.nowUs = Math.max(this.kernel.nowUs, deadlineUs);
        return predicate();
      }
    }
    return true;
  }

  /** Runs callback at virtual time timeMs; the label goes into the trace. */
  at(timeMs: number, label: string, callback: () => void): void {
    this.kernel.schedule(this.toUs(timeMs), label, callback);
  }

  after(delayMs: number, label: string, callback: () => void): void {
    this.kernel.schedule(this.kernel.nowUs + this.toUs(Math.max(0, delayMs)), label, callback);
  }

  /** Called after every step; throw (an assertion) to stop the run at once. Returns a remover. */
  addObserver(observer: () => void): () => void {
    const observers = this.kernel.observers;
    const wrapped = (): void => {
      try {
        observer();
      } catch (error) {
        if (error instanceof Error) error.message += ` (virtual time ${this.now().toFixed(3)} ms, event ${this.kernel.counts.events})`;
        throw error;
      }
    };
    observers.push(wrapped);
    return () => {
      const index = observers.indexOf(wrapped);
      if (index >= 0) observers.splice(index, 1);
    };
  }

  /** Mixes a client-side event (an invoke, a completion) into the trace. */
  recordClientEvent(text: string): void {
    this.trace.record(TraceCode.client, this.kernel.nowUs, 0, 0, 0);
    this.trace.recordText(text);
    if (this.trace.buffering) this.trace.addLine(`${this.kernel.nowUs}us client ${text}`);
  }

  /**
   * Runs a system's safety checks after every step, on only the node whose
   * code the step ran (a node changes only when it runs), or on every node
   * after an action such as a restart. A check throws (an InvariantViolation)
   * to stop the run.
   */
  addStepChecks(check: (endpoint: NodeEndpoint, address: Address) => void): () => void {
    const hosts = this.kernel.hosts;
    const checkHost = (host: Host): void => {
      if (host.role === 'node' && host.endpoint !== null) check(host.endpoint, host.address);
    };
    return this.addObserver(() => {
      const stepped = this.kernel.lastStepHost;
      if (stepped >= 0) checkHost(hosts[stepped] as Host);
      else if (stepped === ANY_HOST_MAY_HAVE_CHANGED) for (const host of hosts) checkHost(host);
    });
  }

  // Inspection.

  traceHash(): string {
    return this.trace.hash();
  }

  traceLines(): string[] {
    return this.trace.lines();
  }

  stats(): SimulationStats {
    return { ...this.kernel.counts, queued: this.kernel.queuedEvents };
  }

  addresses(role?: HostRole): Address[] {
    return this.kernel.hosts.filter((host) => role === undefined || host.role === role).map((host) => host.address);
  }

  /** The object running on the host now; null while crashed. */
  endpoint(address: Address): NodeEndpoint | null {
    return this.host(address).endpoint;
  }

  state(address: Address): HostState {
    return this.host(address).state;
  }

  storage(address: Address): Host['storage'] {
    return this.host(address).storage;
  }

  logs(address: Address): string[] {
    return this.host(address).logs.format();
  }

  /** The host's wall-clock reading now, as its nodes see it. */
  clockMs(address: Address): number {
    return this.host(address).clock.wallMs(this.kernel.nowUs);
  }

  private addHost(address: Address, role: HostRole, factory: NodeFactory, options: HostOptions): World {
    assert.ok(!this.kernel.indexByAddress.has(address), `address ${address} is already in the simulation`);
    const index = this.network.addHost();
    const host = new Host(address, index, role, factory, this.hostRandom, this.logLinesPerHost, options.clockOffsetMs ?? 0);
    this.kernel.hosts.push(host);
    this.kernel.indexByAddress.set(address, index);
    this.recordFault(`add-${role} ${address}`, host);
    return host.boot(this.kernel);
  }

  protected host(address: Address): Host {
    const index = this.kernel.indexByAddress.get(address);
    if (index === undefined) assert.fail(`no host ${address} in the simulation`);
    return this.kernel.hosts[index] as Host;
  }

  protected addressOf(index: number): Address {
    return (this.kernel.hosts[index] as Host).address;
  }

  protected recordFault(description: string, host?: Host): void {
    this.trace.record(TraceCode.fault, this.kernel.nowUs, host?.index ?? -1, 0, 0);
    this.trace.recordText(description);
    if (this.trace.buffering) this.trace.addLine(`${this.kernel.nowUs}us fault ${description}`);
    host?.logs.append(this.kernel.nowUs, `*** ${description}`);
  }

  private toUs(timeMs: number): number {
    assert.ok(Number.isFinite(timeMs), `time must be finite, got ${timeMs}`);
    return Math.round(timeMs * 1000);
  }

  private maxVirtualTimeUs(): number {
    return this.kernel.maxVirtualTimeUs;
  }
}
