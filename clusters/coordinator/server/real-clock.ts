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

interface Strobe {
  amplitudeMs: number;
  periodMs: number;
  startRealMs: number;
}

/** The bounds the admin endpoint accepts: wild values are mistakes, not faults. */
export const MAX_CLOCK_BUMP_MS = 365 * 24 * 3600 * 1000;
export const CLOCK_RATE_RANGE = { min: 0.01, max: 100 } as const;

export class RealClock implements Clock {
  private rateValue = 1;
  private anchorRealMs: number;
  private anchorMonotonicMs = 0;
  private offsetMs = 0;
  /** What the rate gained (or lost) on real time up to the anchor. */
  private anchorDriftMs = 0;
  private strobe: Strobe | null = null;
  private readonly timers = new Map<TimerHandle, NodeJS.Timeout>();
  private nextHandle = 1;

  constructor() {
    this.anchorRealMs = performance.now();
  }

  monotonicMs(): number {
    return this.anchorMonotonicMs + (performance.now() - this.anchorRealMs) * this.rateValue;
  }

  nowMs(): number {
    return Date.now() + this.skewMs();
  }

  /** This clock's wall time minus the real wall time; exactly 0 when not skewed. */
  private skewMs(): number {
    const driftMs = this.anchorDriftMs + (performance.now() - this.anchorRealMs) * (this.rateValue - 1);
    return driftMs + this.offsetMs + this.strobeOffsetMs();
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
      this.reanchor();
      this.rateValue = request.rate;
    }
    if (request.bumpMs !== undefined) {
      assert.ok(Math.abs(request.bumpMs) <= MAX_CLOCK_BUMP_MS, `clock bump ${request.bumpMs} out of range`);
      this.offsetMs += request.bumpMs;
    }
    if (request.strobe !== undefined) {
      const { amplitudeMs, periodMs } = request.strobe;
      assert.ok(periodMs > 0 && amplitudeMs >= 0 && amplitudeMs <= MAX_CLOCK_BUMP_MS, 'strobe needs a positive period and a bounded amplitude');
      this.strobe = { amplitudeMs, periodMs, startRealMs: performance.now() };
    }
    return this.reading();
  }

  /** Back to real time: rate 1, no offset, no strobe; the monotonic clock stays continuous. */
  reset(): ClockReading {
    this.reanchor();
    this.rateValue = 1;
    this.strobe = null;
    this.offsetMs = 0;
    this.anchorDriftMs = 0;
    return this.reading();
  }

  reading(): ClockReading {
    const offsetMs = this.skewMs();
    const strobe = this.strobe === null ? null : { amplitudeMs: this.strobe.amplitudeMs, periodMs: this.strobe.periodMs };
    return { nowMs: Date.now() + offsetMs, offsetMs, rate: this.rateValue, strobe };
  }

  private reanchor(): void {
    const realMs = performance.now();
    const elapsedMs = realMs - this.anchorRealMs;
    this.anchorMonotonicMs += elapsedMs * this.rateValue;
    this.anchorDriftMs += elapsedMs * (this.rateValue - 1);
    this.anchorRealMs = realMs;
  }

  private strobeOffsetMs(): number {
    if (this.strobe === null) return 0;
    const phase = Math.floor((performance.now() - this.strobe.startRealMs) / this.strobe.periodMs);
    return (phase & 1) === 1 ? this.strobe.amplitudeMs : -this.strobe.amplitudeMs;
  }
}
