/**
 * Named timers over a node's Clock. Re-arming a name cancels the previous
 * timer, and a fired callback whose timer was since replaced never runs, so
 * engines cannot act on stale timeouts.
 */
import type { Clock, TimerHandle } from '../../world.js';

export class TimerSet {
  private readonly handles = new Map<string, TimerHandle>();
  private stopped = false;

  constructor(private readonly clock: Clock) {}

  set(name: string, delayMs: number, callback: () => void): void {
    if (this.stopped) return;
    this.clear(name);
    let handle: TimerHandle | undefined;
    handle = this.clock.setTimer(Math.max(0, delayMs), () => {
      if (this.stopped || this.handles.get(name) !== handle) return;
      this.handles.delete(name);
      callback();
    });
    this.handles.set(name, handle);
  }

  isSet(name: string): boolean {
    return this.handles.has(name);
  }

  clear(name: string): void {
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
}
