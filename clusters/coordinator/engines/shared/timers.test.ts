import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Clock } from '../../world.js';
import { ManualScheduler } from '../../../../common/testing/manual-scheduler.js';
import { TimerSet } from './timers.js';

/** A clock on the test scheduler, with or without a monotonic reading; counts the timers it is asked for. */
function schedulerClock(scheduler: ManualScheduler, monotonic: boolean): Clock & { timersSet: number } {
  const clock: Clock & { timersSet: number } = {
    timersSet: 0,
    nowMs: () => scheduler.nowMs(),
    setTimer: (delayMs, callback) => {
      clock.timersSet += 1;
      return scheduler.schedule(delayMs, callback);
    },
    clearTimer: (handle) => scheduler.cancel(handle),
  };
  if (monotonic) clock.monotonicMs = () => scheduler.nowMs();
  return clock;
}

for (const monotonic of [true, false]) {
  test(`extend fires exactly when set would have (${monotonic ? 'with' : 'without'} a monotonic clock)`, () => {
    const scheduler = new ManualScheduler();
    const clock = schedulerClock(scheduler, monotonic);
    const timers = new TimerSet(clock);
    const firedAtMs: number[] = [];
    // Pushed back every 10 ms for 200 ms, then left alone: due 300 ms after the last push, at 490.
    for (let atMs = 0; atMs < 200; atMs += 10) {
      scheduler.run(atMs);
      timers.extend('quiet', 300, () => firedAtMs.push(scheduler.nowMs()));
    }
    scheduler.run(1000);
    assert.deepEqual(firedAtMs, [490]);
    assert.ok(monotonic ? clock.timersSet <= 3 : clock.timersSet === 20, `${clock.timersSet} timers set`);
  });
}

test('extend to an earlier deadline, set, and clear all take over from a pending extension', () => {
  const scheduler = new ManualScheduler();
  const timers = new TimerSet(schedulerClock(scheduler, true));
  const fired: string[] = [];
  timers.extend('quiet', 300, () => fired.push(`late@${scheduler.nowMs()}`));
  scheduler.run(50);
  timers.extend('quiet', 100, () => fired.push(`early@${scheduler.nowMs()}`));
  scheduler.run(400);
  assert.deepEqual(fired, ['early@150']);
  timers.extend('quiet', 300, () => fired.push('extended'));
  timers.set('quiet', 10, () => fired.push(`set@${scheduler.nowMs()}`));
  scheduler.run(1000);
  assert.deepEqual(fired, ['early@150', 'set@410']);
  timers.extend('quiet', 300, () => fired.push('cleared'));
  scheduler.run(1100);
  timers.extend('quiet', 300, () => fired.push('cleared'));
  timers.clear('quiet');
  assert.equal(timers.isSet('quiet'), false);
  scheduler.run(2000);
  assert.deepEqual(fired, ['early@150', 'set@410']);
});
