/**
 * A host's skewed clock, as a function of the simulation's true virtual time.
 *
 * Two readings, as on a real machine: a monotonic clock that advances at the
 * host's rate (drift) and drives timers, and a wall clock = monotonic + offset
 * (+ strobe) that nowMs() returns. A bump moves only the wall clock, as
 * settimeofday does; timers on real hosts run on the monotonic clock, which
 * drift affects but jumps do not.
 */
import assert from 'node:assert/strict';

export interface StrobeOptions {
  /** How far the wall clock jumps forward on every other period. */
  deltaMs: number;
  periodMs: number;
  durationMs: number;
}

export class SkewedClock {
  private rateValue = 1;
  private anchorTrueUs = 0;
  private anchorMonotonicMs = 0;
  private offsetMs: number;
  private strobeStartUs = 0;
  private strobeEndUs = 0;
  private strobePeriodUs = 1;
  private strobeDeltaMs = 0;

  constructor(offsetMs = 0) {
    assert.ok(Number.isFinite(offsetMs), `clock offset must be finite, got ${offsetMs}`);
    this.offsetMs = offsetMs;
  }

  /** Local seconds per true second: 1.01 runs 1% fast. */
  get rate(): number {
    return this.rateValue;
  }

  monotonicMs(trueUs: number): number {
    return this.anchorMonotonicMs + ((trueUs - this.anchorTrueUs) / 1000) * this.rateValue;
  }

  wallMs(trueUs: number): number {
    return this.monotonicMs(trueUs) + this.offsetMs + this.strobeOffsetMs(trueUs);
  }

  /** True µs for the monotonic clock to advance delayMs at the current rate. */
  trueDelayUs(delayMs: number): number {
    if (delayMs <= 0) return 0;
    const exactUs = (delayMs * 1000) / this.rateValue;
    const roundedUs = Math.round(exactUs);
    // Float noise (0.1 * 1000 = 100.00000000000001) must not cost a whole extra µs. But a positive
    // delay waits at least 1 µs: a node that waits for its clock to pass a point (a float hair
    // away) would otherwise find the clock unmoved and wait again, forever, at one instant.
    return Math.max(1, Math.abs(exactUs - roundedUs) < 1e-6 ? roundedUs : Math.ceil(exactUs));
  }

  setRate(rate: number, nowUs: number): void {
    assert.ok(Number.isFinite(rate) && rate > 0, `clock rate must be positive, got ${rate}`);
    this.anchorMonotonicMs = this.monotonicMs(nowUs);
    this.anchorTrueUs = nowUs;
    this.rateValue = rate;
  }

  bump(deltaMs: number): void {
    assert.ok(Number.isFinite(deltaMs), `clock bump must be finite, got ${deltaMs}`);
    this.offsetMs += deltaMs;
  }

  strobe(options: StrobeOptions, nowUs: number): void {
    assert.ok(options.periodMs > 0 && options.durationMs >= 0, 'strobe needs a positive period and a duration');
    this.strobeStartUs = nowUs;
    this.strobeEndUs = nowUs + Math.round(options.durationMs * 1000);
    this.strobePeriodUs = Math.max(1, Math.round(options.periodMs * 1000));
    this.strobeDeltaMs = options.deltaMs;
  }

  /** Back to true time: no offset, no drift, no strobe (the monotonic clock stays continuous). */
  reset(nowUs: number): void {
    this.setRate(1, nowUs);
    this.offsetMs = nowUs / 1000 - this.monotonicMs(nowUs);
    this.strobeEndUs = this.strobeStartUs;
  }

  private strobeOffsetMs(trueUs: number): number {
    if (trueUs >= this.strobeEndUs || trueUs < this.strobeStartUs) return 0;
    const phase = Math.floor((trueUs - this.strobeStartUs) / this.strobePeriodUs);
    return (phase & 1) === 1 ? this.strobeDeltaMs : 0;
  }
}
