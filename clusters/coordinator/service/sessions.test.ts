/**
 * Session ages are measured on the monotonic clock: a jump of the leader's
 * wall clock neither expires a session heard from a moment ago nor keeps a
 * silent one alive (ZOOKEEPER-1366 was this mistake: ages read
 * System.currentTimeMillis, and a clock jump expired sessions en masse).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '../world.js';
import { SessionTracker } from './sessions.js';

const TIMEOUT_MS = 5000;

/** A leader's clock whose wall reading can jump while the monotonic one only moves with time. */
function jumpingClock(): Clock & { advance(ms: number): void; jump(ms: number): void } {
  let monotonicMs = 0;
  let offsetMs = 0;
  return {
    nowMs: () => monotonicMs + offsetMs,
    monotonicMs: () => monotonicMs,
    setTimer: () => assert.fail('the tracker sets no timers'),
    clearTimer: () => {},
    advance: (ms) => (monotonicMs += ms),
    jump: (ms) => (offsetMs += ms),
  };
}

/** A leader tracking session 7, with the expiries it proposes. */
function leaderTracker(): { tracker: SessionTracker; clock: ReturnType<typeof jumpingClock>; proposed: number[] } {
  const clock = jumpingClock();
  const proposed: number[] = [];
  const tracker = new SessionTracker({
    clock,
    isLeader: () => true,
    liveSessions: () => [{ sessionId: 7, owner: 'c1', timeoutMs: TIMEOUT_MS }],
    proposeExpiry: (sessionId) => proposed.push(sessionId) > 0,
    forwardTouches: () => assert.fail('a leader forwards nothing'),
  });
  return { tracker, clock, proposed };
}

/** The expiries proposed once the wall clock jumped by jumpMs and the session then stayed silent for silentMs. */
function expiriesAfterJump(jumpMs: number, silentMs = 0): number[] {
  const { tracker, clock, proposed } = leaderTracker();
  // Heard from every 100 ms for 2 s; then the wall clock jumps.
  for (let tick = 0; tick < 20; tick++) {
    tracker.touch(7);
    tracker.tick();
    clock.advance(100);
  }
  clock.jump(jumpMs);
  tracker.tick();
  clock.advance(silentMs);
  tracker.tick();
  return proposed;
}

test('a wall-clock jump forward expires no session that is heard from', () => {
  assert.deepEqual(expiriesAfterJump(60_000), []);
});

test('a wall-clock jump back still expires a session silent for longer than its timeout', () => {
  assert.deepEqual(expiriesAfterJump(-60_000, TIMEOUT_MS + 500), [7]);
});

/** A leader tracking session 7, silent since it was first seen. */
function silentSessionTracker(): ReturnType<typeof leaderTracker> {
  const tracked = leaderTracker();
  tracked.tracker.tick();
  return tracked;
}

test('a reconnect revalidated by the leader keeps the session alive a full timeout from then', () => {
  const { tracker, clock, proposed } = silentSessionTracker();
  clock.advance(TIMEOUT_MS - 100);
  assert.equal(tracker.revalidate(7), true);
  clock.advance(TIMEOUT_MS - 100);
  tracker.tick();
  assert.deepEqual(proposed, []);
});

test('a reconnect to a session whose expiry the leader already proposed is refused', () => {
  const { tracker, clock, proposed } = silentSessionTracker();
  clock.advance(TIMEOUT_MS + 100);
  tracker.tick();
  assert.deepEqual(proposed, [7]);
  // Accepted, the client would hear "connected" and act on its lock while the expiry commits.
  assert.equal(tracker.revalidate(7), false);
});
