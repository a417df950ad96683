/**
 * One simulated machine: an address, a clock, a disk and a log that outlive
 * crashes, and the node object currently running on it. Each boot is a new
 * incarnation with a new World; everything an old World does after a crash
 * (a send, a timer) is ignored, so a dropped object can never act again.
 */
import assert from 'node:assert/strict';
import type { Address, Endpoint, Message, TimerHandle, World } from '../../../clusters/coordinator/world.js';
import type { SeededRandom } from '../../../common/random.js';
import { SkewedClock } from './clock.js';
import type { SimulationEvent } from './events.js';
import { LogBuffer } from './log-buffer.js';
import { SimulationLimitError } from './limits.js';
import { NodeCrashError } from './node-crash.js';
import { SimulatedStorage } from './storage.js';

export type NodeEndpoint = Endpoint & { stop?(): void };
export type NodeFactory = (world: World) => NodeEndpoint;
export type HostRole = 'node' | 'client';
export type HostState = 'running' | 'paused' | 'crashed';

/** What a World needs from the scheduler. */
export interface HostServices {
  readonly nowUs: number;
  send(host: Host, incarnation: number, to: Address, message: Message): void;
  setTimer(host: Host, incarnation: number, delayMs: number, callback: () => void): TimerHandle;
  clearTimer(host: Host, incarnation: number, handle: TimerHandle): void;
  recycle(events: SimulationEvent[]): void;
}

export class Host {
  state: HostState = 'crashed';
  incarnation = 0;
  endpoint: NodeEndpoint | null = null;
  /** Pending timers of the current incarnation, by handle. */
  readonly timers = new Map<TimerHandle, SimulationEvent>();
  /** Events that came due while paused, in the order they came due. */
  held: SimulationEvent[] = [];
  nextTimerHandle = 1;
  readonly clock: SkewedClock;
  readonly storage = new SimulatedStorage();
  readonly logs: LogBuffer;

  constructor(
    readonly address: Address,
    readonly index: number,
    readonly role: HostRole,
    private readonly factory: NodeFactory,
    private readonly random: SeededRandom,
    logLines: number,
    clockOffsetMs: number,
  ) {
    this.logs = new LogBuffer(logLines);
    this.clock = new SkewedClock(clockOffsetMs);
  }

  /** Starts a new incarnation from durable storage; the factory may send and set timers at once. */
  boot(services: HostServices): World {
    assert.equal(this.state, 'crashed', `${this.address} is ${this.state}; only a crashed host boots`);
    const incarnation = ++this.incarnation;
    this.state = 'running';
    this.endpoint = null;
    const world = this.createWorld(services);
    let endpoint: NodeEndpoint;
    try {
      endpoint = this.factory(world);
    } catch (error) {
      // Leave no half-booted host behind: a running host without an endpoint would fail on its first message.
      if ((this.state as HostState) !== 'crashed') services.recycle(this.crash());
      // A server that cannot start from its own storage crashed; a client's factory is the harness's code.
      if (this.role !== 'node' || error instanceof NodeCrashError || error instanceof SimulationLimitError) throw error;
      this.logs.append(services.nowUs, `*** crashed while starting: ${error instanceof Error ? error.message : String(error)}`);
      throw new NodeCrashError(this.address, services.nowUs / 1000, error);
    }
    // A harness hook inside the factory may have crashed the host already; then the object is dropped.
    if ((this.state as HostState) !== 'crashed' && this.incarnation === incarnation) this.endpoint = endpoint;
    return world;
  }

  /**
   * Drops the object, its timers and whatever was waiting for it while paused,
   * and unsynced writes. Returns the held events so the scheduler can recycle them.
   */
  crash(): SimulationEvent[] {
    assert.notEqual(this.state, 'crashed', `${this.address} is already crashed`);
    this.state = 'crashed';
    this.endpoint = null;
    // Pending timer events stay queued until they come due; marking them spares the queue a removal.
    for (const event of this.timers.values()) event.cancelled = true;
    this.timers.clear();
    this.storage.crash();
    const held = this.held;
    this.held = [];
    return held;
  }

  private createWorld(services: HostServices): World {
    const incarnation = this.incarnation;
    const clock = this.clock;
    return {
      self: this.address,
      clock: {
        nowMs: () => clock.wallMs(services.nowUs),
        monotonicMs: () => clock.monotonicMs(services.nowUs),
        setTimer: (delayMs, callback) => services.setTimer(this, incarnation, delayMs, callback),
        clearTimer: (handle) => services.clearTimer(this, incarnation, handle),
      },
      random: this.random.fork(`${this.role}:${this.address}:${incarnation}`),
      storage: this.storage,
      transport: { send: (to, message) => services.send(this, incarnation, to, message) },
      log: (line) => this.logs.append(services.nowUs, line),
    };
  }
}
