/**
 * The simulated Scheduler on its own: virtual time that moves only when
 * run() says, for planning a run (harness/run/plan.ts) and for tests that
 * drive workers without a simulated cluster. A simulated cluster's runs use
 * its kernel's clock instead (Simulation.scheduler()).
 */
import assert from 'node:assert/strict';
import type { Scheduler } from '../index.js';

/** Virtual time: timers run in time order, ties in the order they were set. */
export class VirtualScheduler implements Scheduler {
  private now = 0;
  private order = 0;
  private timers: Array<{ atMs: number; order: number; fn: () => void }> = [];

  nowMs(): number {
    return this.now;
  }

  after(delayMs: number, _label: string, fn: () => void): void {
    assert.ok(delayMs >= 0 && Number.isFinite(delayMs), `bad delay ${delayMs}`);
    const timer = { atMs: this.now + delayMs, order: this.order++, fn };
    let position = this.timers.length;
    while (position > 0 && this.timers[position - 1]!.atMs > timer.atMs) position -= 1;
    this.timers.splice(position, 0, timer);
  }

  /** Runs timers until none is left or the next is past untilMs. */
  run(untilMs = Infinity): void {
    while (this.timers.length > 0 && this.timers[0]!.atMs <= untilMs) {
      const timer = this.timers.shift()!;
      this.now = timer.atMs;
      timer.fn();
    }
  }
}
