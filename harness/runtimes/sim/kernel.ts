/**
 * The discrete-event core: virtual true time in whole microseconds, one queue
 * of pooled events, and the three things that can happen (a message arrives,
 * a timer fires, a scheduled action runs). Every event that happens is mixed
 * into the trace. The public face, with node lifecycle and faults, is
 * simulation.ts; this file is the hot path and allocates nothing per event:
 * events are pooled and messages are frozen in place, not copied.
 */
import assert from 'node:assert/strict';
import type { Address, Message, TimerHandle } from '../../../clusters/coordinator/world.js';
import { PlainDataHasher } from '../../../common/plain-data.js';
import { EventKind, EventPool, TraceCode, type SimulationEvent } from './events.js';
import { EventQueue } from './heap.js';
import type { Host, HostServices } from './host.js';
import { SimulationLimitError, type LimitName, type SimulationLimits } from './limits.js';
import { NodeCrashError } from './node-crash.js';
import type { NetworkModel } from './network.js';
import type { TraceRecorder } from './trace.js';

export interface SimulationStats {
  events: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  timersFired: number;
  actions: number;
  queued: number;
}

/** lastStepHost when the step ran no node code (a drop, a hold): nothing a node reports can have changed. */
export const NO_HOST_RAN = -2;
/** lastStepHost after an action, which may have touched any host. */
export const ANY_HOST_MAY_HAVE_CHANGED = -1;

export class SimulationKernel implements HostServices {
  nowUs = 0;
  /** Whose code the last step ran: a host index, or one of the two constants above. */
  lastStepHost = NO_HOST_RAN;
  readonly hosts: Host[] = [];
  readonly indexByAddress = new Map<Address, number>();
  readonly observers: (() => void)[] = [];
  readonly counts: SimulationStats = { events: 0, delivered: 0, dropped: 0, duplicated: 0, timersFired: 0, actions: 0, queued: 0 };
  private readonly queue: EventQueue<SimulationEvent>;
  private readonly pool = new EventPool();
  private readonly hasher = new PlainDataHasher();
  readonly maxVirtualTimeUs: number;

  constructor(
    private readonly limits: SimulationLimits,
    readonly network: NetworkModel,
    readonly trace: TraceRecorder,
  ) {
    this.maxVirtualTimeUs = Math.round(limits.maxVirtualTimeMs * 1000);
    this.queue = new EventQueue(limits.maxQueuedEvents, () => this.limitReached('maxQueuedEvents'));
  }

  limitReached(limit: LimitName): never {
    throw new SimulationLimitError(limit, this.limits[limit], this.nowUs / 1000);
  }

  get queuedEvents(): number {
    return this.queue.size;
  }

  /**
   * Runs the next event due no later than boundUs; false when there is none.
   * Cancelled timers and timers of dead incarnations are skipped without
   * counting as a step.
   */
  advance(boundUs: number): boolean {
    for (;;) {
      const timeUs = this.queue.peekTimeUs();
      if (timeUs > boundUs || timeUs === Infinity) return false;
      if (timeUs > this.maxVirtualTimeUs) this.limitReached('maxVirtualTimeMs');
      const event = this.queue.pop() as SimulationEvent;
      this.nowUs = timeUs;
      if (event.kind === EventKind.timer && this.isStale(event)) {
        this.pool.release(event);
        continue;
      }
      if (++this.counts.events > this.limits.maxEvents) this.limitReached('maxEvents');
      this.lastStepHost = NO_HOST_RAN;
      let kept: boolean;
      try {
        kept = this.dispatch(event);
      } catch (error) {
        throw this.crashOfNode(error);
      }
      if (!kept) this.pool.release(event);
      const observers = this.observers;
      for (let index = 0; index < observers.length; index++) (observers[index] as () => void)();
      return true;
    }
  }

  schedule(timeUs: number, label: string, callback: () => void): void {
    assert.ok(timeUs >= this.nowUs, `cannot schedule in the past (${timeUs} µs < now ${this.nowUs} µs)`);
    const event = this.pool.acquire();
    event.kind = EventKind.action;
    event.target = -1;
    event.label = label;
    event.callback = callback;
    this.queue.push(timeUs, event);
  }

  send(host: Host, incarnation: number, to: Address, message: Message): void {
    if (host.incarnation !== incarnation || host.state === 'crashed') return;
    // Frozen, not copied, and before any drop so a sender meets the same rule whatever the network does:
    // the message is shared by sender, receiver and any duplicate, and none of them can change it.
    const contentHash = this.hasher.freezeAndHash(message);
    const source = host.index;
    const target = this.indexByAddress.get(to);
    if (target === undefined) return this.dropAtSend(TraceCode.dropUnroutable, source, -1, `unroutable ${host.address}->${to}`);
    if (this.network.isBlocked(source, target)) return this.dropAtSend(TraceCode.dropPartition, source, target, 'cut');
    if (this.network.drawLoss(source, target)) return this.dropAtSend(TraceCode.dropLoss, source, target, 'lost');
    this.enqueueDelivery(source, target, message, contentHash);
    if (this.network.drawDuplicate(source, target)) {
      this.counts.duplicated++;
      this.trace.record(TraceCode.duplicate, this.nowUs, source, target, 0);
      this.enqueueDelivery(source, target, message, contentHash);
    }
  }

  setTimer(host: Host, incarnation: number, delayMs: number, callback: () => void): TimerHandle {
    if (host.incarnation !== incarnation || host.state === 'crashed') return 0;
    if (!Number.isFinite(delayMs)) assert.fail(`timer delay must be finite, got ${delayMs}`);
    const handle = host.nextTimerHandle++;
    const event = this.pool.acquire();
    event.kind = EventKind.timer;
    event.target = host.index;
    event.incarnation = incarnation;
    event.callback = callback;
    event.timerHandle = handle;
    event.deadlineMonotonicMs = host.clock.monotonicMs(this.nowUs) + Math.max(0, delayMs);
    this.queue.push(this.nowUs + host.clock.trueDelayUs(delayMs), event);
    host.timers.set(handle, event);
    return handle;
  }

  clearTimer(host: Host, incarnation: number, handle: TimerHandle): void {
    if (host.incarnation !== incarnation) return;
    const event = host.timers.get(handle);
    if (event === undefined) return;
    event.cancelled = true;
    host.timers.delete(handle);
  }

  /** After a rate change: every pending timer fires when the monotonic clock reaches its deadline at the new rate. */
  rescheduleTimers(host: Host): void {
    const nowMonotonicMs = host.clock.monotonicMs(this.nowUs);
    for (const [handle, old] of host.timers) {
      // Already due (held while paused): it fires on resume whatever the rate.
      if (old.deadlineMonotonicMs <= nowMonotonicMs) continue;
      const event = this.pool.acquire();
      event.kind = EventKind.timer;
      event.target = host.index;
      event.incarnation = old.incarnation;
      event.callback = old.callback;
      event.timerHandle = handle;
      event.deadlineMonotonicMs = old.deadlineMonotonicMs;
      old.cancelled = true;
      host.timers.set(handle, event);
      this.queue.push(this.nowUs + host.clock.trueDelayUs(old.deadlineMonotonicMs - nowMonotonicMs), event);
    }
  }

  /** On resume: what waited for the host happens now, in the order it came due. */
  releaseHeld(host: Host): void {
    const held = host.held;
    host.held = [];
    for (const event of held) this.queue.push(this.nowUs, event);
  }

  recycle(events: SimulationEvent[]): void {
    for (const event of events) this.pool.release(event);
  }

  /**
   * What a throw out of a step means: from a server node's own handler or
   * timer, that node crashed (it is dropped as a dead process is, and the
   * error says so); from an action or a client, the harness's own error.
   */
  private crashOfNode(error: unknown): unknown {
    const stepped = this.lastStepHost;
    if (stepped < 0 || error instanceof SimulationLimitError || error instanceof NodeCrashError) return error;
    const host = this.hosts[stepped] as Host;
    if (host.role !== 'node') return error;
    const crash = new NodeCrashError(host.address, this.nowUs / 1000, error);
    host.logs.append(this.nowUs, `*** crashed: ${crash.reason}`);
    if (host.state !== 'crashed') this.recycle(host.crash());
    return crash;
  }

  private isStale(event: SimulationEvent): boolean {
    return event.cancelled || (this.hosts[event.target] as Host).incarnation !== event.incarnation;
  }

  /** Returns true when the event was kept (held for a paused host) rather than finished. */
  private dispatch(event: SimulationEvent): boolean {
    if (event.kind === EventKind.deliver) return this.deliver(event);
    if (event.kind === EventKind.timer) return this.fireTimer(event);
    this.counts.actions++;
    this.trace.record(TraceCode.action, this.nowUs, 0, 0, 0);
    this.trace.recordText(event.label);
    if (this.trace.buffering) this.trace.addLine(`${this.nowUs}us action ${event.label}`);
    this.lastStepHost = ANY_HOST_MAY_HAVE_CHANGED;
    (event.callback as () => void)();
    return false;
  }

  private deliver(event: SimulationEvent): boolean {
    const host = this.hosts[event.target] as Host;
    if (host.state === 'paused') return this.hold(host, event);
    const source = event.source;
    const target = event.target;
    let code: number = TraceCode.deliver;
    if (host.state === 'crashed') code = TraceCode.dropCrashed;
    else if (this.network.isBlocked(source, target)) code = TraceCode.dropPartition;
    this.trace.record(code, this.nowUs, source, target, event.contentHash);
    if (this.trace.buffering) this.traceDelivery(code, event);
    if (code !== TraceCode.deliver) {
      this.counts.dropped++;
      return false;
    }
    this.counts.delivered++;
    const endpoint = host.endpoint;
    if (endpoint === null) assert.fail(`${host.address} is running without an endpoint`);
    this.lastStepHost = target;
    endpoint.receive((this.hosts[source] as Host).address, event.message as Message);
    return false;
  }

  private fireTimer(event: SimulationEvent): boolean {
    const host = this.hosts[event.target] as Host;
    if (host.state === 'paused') return this.hold(host, event);
    host.timers.delete(event.timerHandle);
    this.counts.timersFired++;
    this.trace.record(TraceCode.timer, this.nowUs, event.target, event.timerHandle, event.incarnation);
    if (this.trace.buffering) this.trace.addLine(`${this.nowUs}us timer ${host.address}#${event.incarnation} handle ${event.timerHandle}`);
    this.lastStepHost = event.target;
    (event.callback as () => void)();
    return false;
  }

  private hold(host: Host, event: SimulationEvent): boolean {
    host.held.push(event);
    return true;
  }

  private enqueueDelivery(source: number, target: number, message: Message, contentHash: number): void {
    const event = this.pool.acquire();
    event.kind = EventKind.deliver;
    event.source = source;
    event.target = target;
    event.message = message;
    event.contentHash = contentHash;
    this.queue.push(this.network.drawArrivalUs(source, target, this.nowUs), event);
  }

  private dropAtSend(code: number, source: number, target: number, reason: string): void {
    this.counts.dropped++;
    this.trace.record(code, this.nowUs, source, target, 0);
    if (this.trace.buffering) this.trace.addLine(`${this.nowUs}us drop at send ${reason} from ${(this.hosts[source] as Host).address}`);
  }

  private traceDelivery(code: number, event: SimulationEvent): void {
    const from = (this.hosts[event.source] as Host).address;
    const to = (this.hosts[event.target] as Host).address;
    const what = code === TraceCode.deliver ? 'deliver' : code === TraceCode.dropCrashed ? 'drop (crashed)' : 'drop (cut)';
    this.trace.addLine(`${this.nowUs}us ${what} ${from}->${to} ${JSON.stringify(event.message)}`);
  }
}
