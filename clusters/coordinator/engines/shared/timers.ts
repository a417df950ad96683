/**
 * Named timers over a node's Clock. Re-arming a name cancels the previous
 * timer, and a fired callback whose timer was since replaced never runs, so
 * engines cannot act on stale timeouts.
 *
 * extend() is for deadlines pushed back over and over (a follower's "leader
 * gone quiet" timeout, re-armed on every message): with a monotonic clock it
 * only moves the deadline, and a timer that fires early re-arms itself for
 * the rest, so it fires exactly when set() would have, at a fraction of the
 * cost; without one it is set().
 */
import type { Clock, TimerHandle } from '../../world.js';

interface Extensible {
  /** Monotonic time the callback is due. */
  deadlineMs: number;
  /** Monotonic time the underlying timer fires, never after deadlineMs. */
  firesAtMs: number;
  callback: () => void;
}

export class TimerSet {
  private readonly handles = new Map<string, TimerHandle>();
  private readonly extensible = new Map<string, Extensible>();
  private stopped = false;

  /** step runs each fired callback as one step of its owner (EngineSteps.run). */
  constructor(
    private readonly clock: Clock,
    private readonly step: (callback: () => void) => void = (callback) => callback(),
  ) {}

  set(name: string, delayMs: number, callback: () => void): void {
    this.extensible.delete(name);
    this.arm(name, delayMs, callback);
  }

  /** As set(), for a deadline that keeps moving later. */
  extend(name: string, delayMs: number, callback: () => void): void {
    if (this.stopped) return;
    const clock = this.clock;
    if (clock.monotonicMs === undefined) return this.set(name, delayMs, callback);
    const deadlineMs = clock.monotonicMs() + Math.max(0, delayMs);
    const pending = this.extensible.get(name);
    if (pending !== undefined && this.handles.has(name) && pending.firesAtMs <= deadlineMs) {
      pending.deadlineMs = deadlineMs;
      pending.callback = callback;
      return;
    }
    const entry: Extensible = { deadlineMs, firesAtMs: deadlineMs, callback };
    this.extensible.set(name, entry);
    this.arm(name, delayMs, () => this.fireExtensible(name, entry));
  }

  isSet(name: string): boolean {
    return this.handles.has(name);
  }

  clear(name: string): void {
    this.extensible.delete(name);
    const handle = this.handles.get(name);
    if (handle === undefined) return;
    this.clock.clearTimer(handle);
    this.handles.delete(name);
  }

  clearAll(): void {
    for (const name of [...this.handles.keys()]) this.clear(name);
  }

  stop(): void {
    this.clearAll();
    this.stopped = true;
  }

  private arm(name: string, delayMs: number, callback: () => void): void {
    if (this.stopped) return;
    const previous = this.handles.get(name);
    if (previous !== undefined) this.clock.clearTimer(previous);
    let handle: TimerHandle | undefined;
    handle = this.clock.setTimer(Math.max(0, delayMs), () => {
      if (this.stopped || this.handles.get(name) !== handle) return;
      this.handles.delete(name);
      this.step(callback);
    });
    this.handles.set(name, handle);
  }

  private fireExtensible(name: string, entry: Extensible): void {
    if (this.extensible.get(name) !== entry) return;
    const remainingMs = entry.deadlineMs - (this.clock.monotonicMs as () => number)();
    if (remainingMs > 0) {
      entry.firesAtMs = entry.deadlineMs;
      this.arm(name, remainingMs, () => this.fireExtensible(name, entry));
      return;
    }
    this.extensible.delete(name);
    entry.callback();
  }
}
