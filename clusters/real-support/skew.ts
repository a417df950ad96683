/**
 * One node's clock skew as the nemesis asks for it (bumps add up, a rate
 * drifts from the moment it is set, a strobe swings ±amplitude every
 * period): the offset of its wall clock from true time at a moment. The
 * bundled coordinator's node clock reads its skew from this, and ZooKeeper's
 * libfaketime is told it. Times are the host's monotonic milliseconds.
 */
import assert from 'node:assert/strict';
import type { ClockSkew } from '../../harness/runtimes/index.js';

interface Strobe {
  amplitudeMs: number;
  periodMs: number;
  startMs: number;
}

export class NodeSkew {
  private offsetMs = 0;
  private rate = 1;
  private rateSinceMs = 0;
  /** What earlier rates gained or lost up to rateSinceMs. */
  private driftMs = 0;
  private strobe: Strobe | null = null;

  apply(skew: ClockSkew, nowMs: number): void {
    if (skew.rate !== undefined) {
      assert.ok(skew.rate > 0, `clock rate ${skew.rate} must be positive`);
      this.driftMs = this.driftAt(nowMs);
      this.rateSinceMs = nowMs;
      this.rate = skew.rate;
    }
    if (skew.bumpMs !== undefined) this.offsetMs += skew.bumpMs;
    if (skew.strobe !== undefined) {
      assert.ok(skew.strobe.periodMs > 0 && skew.strobe.amplitudeMs >= 0, 'a strobe needs a positive period');
      this.strobe = { ...skew.strobe, startMs: nowMs };
    }
  }

  /** The clock's offset from true time at nowMs. */
  offsetAt(nowMs: number): number {
    return this.offsetMs + this.driftAt(nowMs) + this.strobeAt(nowMs);
  }

  /** The rate set last (1: true time). */
  get rateValue(): number {
    return this.rate;
  }

  /** The strobe on now, without its start. */
  get strobeSetting(): { amplitudeMs: number; periodMs: number } | null {
    return this.strobe === null ? null : { amplitudeMs: this.strobe.amplitudeMs, periodMs: this.strobe.periodMs };
  }

  /** Whether the offset changes by itself over time (so it must be rewritten while it lasts). */
  get moving(): boolean {
    return this.rate !== 1 || this.strobe !== null;
  }

  /** How often the offset must be rewritten to follow it (ms); Infinity when it stands still. */
  get refreshMs(): number {
    if (!this.moving) return Infinity;
    const strobeMs = this.strobe === null ? Infinity : this.strobe.periodMs / 2;
    return Math.max(10, Math.min(100, strobeMs));
  }

  /** The largest swing a strobe adds, for verification's tolerance. */
  get strobeAmplitudeMs(): number {
    return this.strobe?.amplitudeMs ?? 0;
  }

  private driftAt(nowMs: number): number {
    return this.driftMs + (nowMs - this.rateSinceMs) * (this.rate - 1);
  }

  private strobeAt(nowMs: number): number {
    if (this.strobe === null) return 0;
    const phase = Math.floor((nowMs - this.strobe.startMs) / this.strobe.periodMs);
    return (phase & 1) === 1 ? this.strobe.amplitudeMs : -this.strobe.amplitudeMs;
  }
}
