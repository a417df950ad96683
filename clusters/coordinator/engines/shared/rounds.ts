/**
 * Heartbeat rounds of a leader, for read barriers and leases. Every round a
 * leader sends is numbered and stamped with its own clock; followers echo the
 * number back. The highest round a quorum has echoed proves the node was still
 * leader when that round went out, which is what a read index needs, and the
 * round's send time is where a lease starts.
 */
import assert from 'node:assert/strict';
import { type Address, type Clock, monotonicNowMs } from '../../world.js';
import { quorumValue } from './options.js';

export type RoundOutcome = { ok: true } | { ok: false; reason: string };

interface RoundWaiter {
  round: number;
  /** On the monotonic clock. */
  startedAtMs: number;
  callback: (outcome: RoundOutcome) => void;
}

export class LeadershipRounds {
  private round = 0;
  private confirmedRound = 0;
  /** Each round's send time on the monotonic clock, where a lease starts. */
  private readonly sentAtMs = new Map<number, number>();
  /** The same on the wall clock, which the stale-lease-read bug trusts. */
  private readonly sentAtWallMs = new Map<number, number>();
  private readonly ackedRound = new Map<Address, number>();
  private waiters: RoundWaiter[] = [];

  constructor(
    private readonly self: Address,
    private readonly voters: readonly Address[],
    private readonly quorum: number,
    private readonly clock: Clock,
  ) {
    assert.ok(voters.includes(self), 'only a voter leads');
  }

  get currentRound(): number {
    return this.round;
  }

  startRound(): number {
    this.round += 1;
    this.sentAtMs.set(this.round, this.monotonicMs());
    this.sentAtWallMs.set(this.round, this.clock.nowMs());
    this.recompute();
    return this.round;
  }

  acknowledge(peer: Address, round: number): void {
    if (peer === this.self || !this.voters.includes(peer)) return;
    if (!(round <= this.round)) assert.fail(`peer ${peer} acknowledged round ${round} never sent (at ${this.round})`);
    if (round <= (this.ackedRound.get(peer) ?? 0)) return;
    this.ackedRound.set(peer, round);
    this.recompute();
  }

  /** Calls back once a quorum echoed `round` or later. */
  waitFor(round: number, callback: (outcome: RoundOutcome) => void): void {
    if (round <= this.confirmedRound) {
      callback({ ok: true });
      return;
    }
    this.waiters.push({ round, startedAtMs: this.monotonicMs(), callback });
  }

  /** Fails waiters older than timeoutMs, so a leader cut off from its quorum does not hang readers. */
  expireWaiters(timeoutMs: number): void {
    const now = this.monotonicMs();
    const expired = this.waiters.filter((waiter) => now - waiter.startedAtMs >= timeoutMs);
    if (expired.length === 0) return;
    this.waiters = this.waiters.filter((waiter) => !expired.includes(waiter));
    for (const waiter of expired) waiter.callback({ ok: false, reason: 'no quorum confirmed leadership in time' });
  }

  failAll(reason: string): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter.callback({ ok: false, reason });
  }

  /**
   * True while now is within durationMs of the newest quorum-confirmed round's
   * send time, measured on the monotonic clock (drift affects it, wall-clock
   * jumps do not). A clock that went back before that time voids the lease
   * rather than stretching it.
   *
   * trustWallClock is the stale-lease-read bug: the lease is timed on the
   * wall clock, as `now - sentAt < lease` naively written, so a clock set back
   * (settimeofday, NTP stepping) stretches the lease by as much.
   */
  leaseHolds(durationMs: number, trustWallClock = false): boolean {
    if (this.confirmedRound === 0) return false;
    if (trustWallClock) {
      const startMs = this.sentAtWallMs.get(this.confirmedRound);
      assert.ok(startMs !== undefined, 'the confirmed round keeps its send time');
      return this.clock.nowMs() - startMs < durationMs;
    }
    const startMs = this.sentAtMs.get(this.confirmedRound);
    assert.ok(startMs !== undefined, 'the confirmed round keeps its send time');
    const elapsedMs = this.monotonicMs() - startMs;
    return elapsedMs >= 0 && elapsedMs < durationMs;
  }

  private monotonicMs(): number {
    return monotonicNowMs(this.clock);
  }

  private recompute(): void {
    const rounds = this.voters.map((voter) => (voter === this.self ? this.round : this.ackedRound.get(voter) ?? 0));
    const confirmed = quorumValue(rounds, this.quorum);
    if (confirmed <= this.confirmedRound) return;
    this.confirmedRound = confirmed;
    for (const round of this.sentAtMs.keys()) {
      if (round < confirmed) this.sentAtMs.delete(round);
    }
    for (const round of this.sentAtWallMs.keys()) {
      if (round < confirmed) this.sentAtWallMs.delete(round);
    }
    const ready = this.waiters.filter((waiter) => waiter.round <= confirmed);
    this.waiters = this.waiters.filter((waiter) => waiter.round > confirmed);
    for (const waiter of ready) waiter.callback({ ok: true });
  }
}

/**
 * How long a lease lasts: never longer than the election timeout (followers
 * refuse to elect anyone else for that long after hearing from the leader),
 * minus the drift the clocks may have. The stale-lease-read bug takes the
 * configured lease as it is, however long, with no allowance for drift.
 */
export function leaseDurationMs(leaseMs: number, electionTimeoutMs: number, maxClockDriftMs: number, ignoreDrift: boolean): number {
  if (ignoreDrift) return leaseMs;
  return Math.min(leaseMs, electionTimeoutMs) - maxClockDriftMs;
}

/**
 * How long a leader goes without hearing from a quorum before it steps down:
 * an election timeout. The stale-lease-read bug's leader trusts its lease
 * instead: it goes on leading (and serving lease reads) until the configured
 * lease runs out, though the followers may have elected another leader long
 * before.
 */
export function leaderQuorumTimeoutMs(options: { electionTimeoutMs: number; leaseMs: number }, staleLease: boolean): number {
  return staleLease ? Math.max(options.electionTimeoutMs, options.leaseMs) : options.electionTimeoutMs;
}
