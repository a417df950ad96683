/** The real clock's skews: bumps move wall time only, the rate scales both clocks and timers, a strobe flips, a reset is exact. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RealClock } from './real-clock.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

test('an unskewed clock reads real time, with offset exactly 0', () => {
  const clock = new RealClock();
  const reading = clock.reading();
  assert.equal(reading.offsetMs, 0);
  assert.ok(Math.abs(clock.nowMs() - Date.now()) < 5);
});

test('a bump moves the wall clock and not the monotonic one', () => {
  const clock = new RealClock();
  const monotonicBefore = clock.monotonicMs();
  clock.skew({ bumpMs: -30_000 });
  assert.ok(Math.abs(clock.nowMs() - (Date.now() - 30_000)) < 5);
  assert.ok(clock.monotonicMs() - monotonicBefore < 5);
  assert.equal(clock.reading().offsetMs, -30_000);
});

test('a rate scales monotonic progress, wall progress and timer delays', async () => {
  const clock = new RealClock();
  clock.skew({ rate: 4 });
  const monotonicStart = clock.monotonicMs();
  const realStart = performance.now();
  await new Promise<void>((resolve) => clock.setTimer(200, resolve));
  const realElapsedMs = performance.now() - realStart;
  assert.ok(realElapsedMs < 150, `a 200 ms timer at rate 4 took ${realElapsedMs} ms of real time`);
  assert.ok(clock.monotonicMs() - monotonicStart >= 195, 'the monotonic clock went as far as the timer asked');
  assert.ok(clock.reading().offsetMs > 100, 'the wall clock pulled ahead');
});

test('a strobe flips between -amplitude and +amplitude; reset returns to exactly real time', async () => {
  const clock = new RealClock();
  clock.skew({ strobe: { amplitudeMs: 1000, periodMs: 20 } });
  const seen = new Set<number>();
  for (let index = 0; index < 12; index++) {
    seen.add(Math.round(clock.reading().offsetMs));
    await sleep(7);
  }
  assert.deepEqual([...seen].sort((a, b) => a - b), [-1000, 1000]);
  clock.skew({ rate: 2, bumpMs: 500 });
  await sleep(20);
  const monotonicBefore = clock.monotonicMs();
  const reset = clock.reset();
  assert.deepEqual({ offsetMs: reset.offsetMs, rate: reset.rate, strobe: reset.strobe }, { offsetMs: 0, rate: 1, strobe: null });
  assert.ok(clock.monotonicMs() >= monotonicBefore, 'the monotonic clock never goes back');
});

test('clearAll cancels pending timers', async () => {
  const clock = new RealClock();
  let fired = false;
  clock.setTimer(10, () => (fired = true));
  clock.clearAll();
  await sleep(30);
  assert.equal(fired, false);
  assert.equal(clock.pendingTimers, 0);
});
