/**
 * The run's clock on real runtimes: wall time since the run started, read
 * from the monotonic clock, and real timers. Every timer it sets is tracked so
 * stop() leaves nothing pending and the process can exit.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import type { Scheduler } from '../runtimes/index.js';

/** Workers, nemesis and samplers keep at most a few timers each. */
const MAX_PENDING_TIMERS = 100_000;

export class RealScheduler implements Scheduler {
  private readonly startMs = performance.now();
  private readonly pending = new Set<NodeJS.Timeout>();
  private stopped = false;

  nowMs(): number {
    return performance.now() - this.startMs;
  }

  /** Nanoseconds since the run started, the history's unit. */
  nowNs(): number {
    return Math.round(this.nowMs() * 1_000_000);
  }

  after(delayMs: number, _label: string, fn: () => void): void {
    if (this.stopped) return;
    assert.ok(this.pending.size < MAX_PENDING_TIMERS, `more than ${MAX_PENDING_TIMERS} timers pending: a runaway actor`);
    const handle = setTimeout(() => {
      this.pending.delete(handle);
      if (!this.stopped) fn();
    }, Math.max(0, delayMs));
    this.pending.add(handle);
  }

  /** Cancels every pending timer; later after() calls do nothing. */
  stop(): void {
    this.stopped = true;
    for (const handle of this.pending) clearTimeout(handle);
    this.pending.clear();
  }
}
