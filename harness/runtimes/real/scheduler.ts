/**
 * The run's clock on real runtimes: wall time since the run started, read
 * from the monotonic clock, and real timers. Every timer it sets is tracked so
 * stop() leaves nothing pending and the process can exit.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { Scheduler } from '../index.js';

/** Workers, nemesis and samplers keep at most a few timers each. */
const MAX_PENDING_TIMERS = 100_000;

export class RealScheduler implements Scheduler {
  private readonly startMs = performance.now();
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;
  /** Callbacks due now, run together on the next turn of the event loop. */
  private immediate: (() => void)[] = [];

  nowMs(): number {
    return performance.now() - this.startMs;
  }

  after(delayMs: number, _label: string, fn: () => void): void {
    if (this.stopped) return;
    assert.ok(this.pending.size + this.immediate.length < MAX_PENDING_TIMERS, `more than ${MAX_PENDING_TIMERS} timers pending: a runaway actor`);
    if (delayMs < 1) {
      // setTimeout waits at least a millisecond; at high rates that wait, not the cluster, would set the pace.
      this.immediate.push(fn);
      if (this.immediate.length === 1) setImmediate(() => this.runImmediate());
      return;
    }
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      if (!this.stopped) fn();
    }, delayMs);
    this.pending.add(handle);
  }

  private runImmediate(): void {
    const due = this.immediate;
    this.immediate = [];
    for (const fn of due) if (!this.stopped) fn();
  }

  /** Cancels every pending timer; later after() calls do nothing. */
  stop(): void {
    this.stopped = true;
    this.immediate = [];
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
  }
}
