/**
 * A real process's Clock with the clock nemesis built in: the node reads
 * time only through this, so an offset, rate or strobe set over the admin
 * endpoint is what the node sees, as the simulator's SkewedClock does.
 *
 *   monotonic = progress of the real monotonic clock, scaled by the rate
 *   wall      = real wall clock + drift (what the rate gained or lost)
 *               + offset (bumps) (+ ±amplitude while strobing)
 *
 * A bump moves only the wall clock (settimeofday); the rate scales both and
 * timer delays (drift); a strobe flips the wall clock between -amplitude
 * and +amplitude every period. Timer delays are scaled when set.
 */
import assert from 'node:assert/strict';
import { NodeSkew } from '../../real-support/skew.js';
import type { Clock, TimerHandle } from '../world.js';

export interface ClockSkewRequest {
  bumpMs?: number;
  rate?: number;
  strobe?: { amplitudeMs: number; periodMs: number };
}

export interface ClockReading {
  nowMs: number;
  /** This clock's wall time minus the host's real wall time. */
  offsetMs: number;
  rate: number;
  strobe: { amplitudeMs: number; periodMs: number } | null;
}

/** The bounds the admin endpoint accepts: wild values are mistakes, not faults. */
export const MAX_CLOCK_BUMP_MS = 365 * 24 * 3600 * 1000;
export const CLOCK_RATE_RANGE = { min: 0.01, max: 100 } as const;

export class RealClock implements Clock {
  private anchorRealMs: number;
  private anchorMonotonicMs = 0;
  /** The wall clock's skew (bumps, drift, strobe) over real monotonic time, as ZooKeeper's libfaketime offset is computed too. */
  private skewState = new NodeSkew();
  private readonly timers = new Map<TimerHandle, NodeJS.Timeout>();
  private nextHandle = 1;

  constructor() {
    this.anchorRealMs = performance.now();
  }

  private get rateValue(): number {
    return this.skewState.rateValue;
  }

  monotonicMs(): number {
    return this.anchorMonotonicMs + (performance.now() - this.anchorRealMs) * this.rateValue;
  }

  nowMs(): number {
    return Date.now() + this.skewMs();
  }

  /** This clock's wall time minus the real wall time; exactly 0 when not skewed. */
  private skewMs(): number {
    return this.skewState.offsetAt(performance.now());
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    const handle = this.nextHandle++;
    const realDelayMs = Math.max(0, delayMs) / this.rateValue;
    const timer = setTimeout(() => {
      this.timers.delete(handle);
      callback();
    }, realDelayMs);
    this.timers.set(handle, timer);
    return handle;
  }

  clearTimer(handle: TimerHandle): void {
    const timer = this.timers.get(handle);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(handle);
  }

  /** Cancels every pending timer (shutdown). */
  clearAll(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  get pendingTimers(): number {
    return this.timers.size;
  }

  skew(request: ClockSkewRequest): ClockReading {
    if (request.rate !== undefined) {
      assert.ok(request.rate >= CLOCK_RATE_RANGE.min && request.rate <= CLOCK_RATE_RANGE.max, `clock rate ${request.rate} out of range`);
      // The monotonic clock keeps what the old rate ran up to now.
      this.reanchor();
    }
    if (request.bumpMs !== undefined) assert.ok(Math.abs(request.bumpMs) <= MAX_CLOCK_BUMP_MS, `clock bump ${request.bumpMs} out of range`);
    if (request.strobe !== undefined) {
      const { amplitudeMs, periodMs } = request.strobe;
      assert.ok(periodMs > 0 && amplitudeMs >= 0 && amplitudeMs <= MAX_CLOCK_BUMP_MS, 'strobe needs a positive period and a bounded amplitude');
    }
    this.skewState.apply(request, performance.now());
    return this.reading();
  }

  /** Back to real time: rate 1, no offset, no strobe; the monotonic clock stays continuous. */
  reset(): ClockReading {
    this.reanchor();
    this.skewState = new NodeSkew();
    return this.reading();
  }

  reading(): ClockReading {
    const offsetMs = this.skewMs();
    return { nowMs: Date.now() + offsetMs, offsetMs, rate: this.rateValue, strobe: this.skewState.strobeSetting };
  }

  private reanchor(): void {
    const realMs = performance.now();
    this.anchorMonotonicMs += (realMs - this.anchorRealMs) * this.rateValue;
    this.anchorRealMs = realMs;
  }
}
