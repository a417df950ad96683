import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SkewedClock } from './clock.js';
import { Simulation } from './simulation.js';
import { capturingFactory } from './fixtures.js';

function simulationWithNode(offsetMs = 0): { simulation: Simulation; fired: number[]; world: ReturnType<typeof capturingFactory>['worlds'][number] } {
  const simulation = new Simulation({ seed: 1 });
  const { factory, worlds } = capturingFactory(() => simulation.now());
  simulation.addNode('n1', factory, { clockOffsetMs: offsetMs });
  return { simulation, fired: [], world: worlds[0] as (typeof worlds)[number] };
}

test('a clock offset shows in nowMs but not in virtual time', () => {
  const { simulation, world } = simulationWithNode(250);
  simulation.run(1000);
  assert.equal(simulation.now(), 1000);
  assert.equal(world.clock.nowMs(), 1250);
});

test('drift: a fast clock reads ahead and its timers fire early in true time', () => {
  const { simulation, world } = simulationWithNode();
  simulation.setClockRate('n1', 2);
  let firedAtMs = -1;
  world.clock.setTimer(100, () => (firedAtMs = simulation.now()));
  simulation.run(1000);
  assert.equal(firedAtMs, 50);
  assert.equal(world.clock.nowMs(), 2000);
});

test('a rate change moves timers already pending', () => {
  const { simulation, world } = simulationWithNode();
  let firedAtMs = -1;
  world.clock.setTimer(100, () => (firedAtMs = simulation.now()));
  simulation.run(40);
  simulation.setClockRate('n1', 0.5);
  simulation.run(1000);
  // 40 ms ran at rate 1; the remaining 60 local ms take 120 true ms.
  assert.equal(firedAtMs, 160);
});

test('a bump jumps nowMs, while timers keep to the monotonic clock', () => {
  const { simulation, world } = simulationWithNode();
  let firedAtMs = -1;
  world.clock.setTimer(100, () => (firedAtMs = simulation.now()));
  simulation.run(10);
  simulation.bumpClock('n1', 60_000);
  assert.equal(world.clock.nowMs(), 60_010);
  simulation.run(1000);
  assert.equal(firedAtMs, 100);
  simulation.bumpClock('n1', -120_000);
  assert.equal(world.clock.nowMs(), -59_000);
});

test('strobe flips the wall clock every period for the duration, then stops', () => {
  const { simulation, world } = simulationWithNode();
  simulation.strobeClock('n1', { deltaMs: 500, periodMs: 10, durationMs: 100 });
  const readings: number[] = [];
  for (let step = 0; step < 4; step++) {
    readings.push(world.clock.nowMs() - simulation.now());
    simulation.runFor(10);
  }
  assert.deepEqual(readings, [0, 500, 0, 500]);
  simulation.runFor(100);
  assert.equal(world.clock.nowMs() - simulation.now(), 0);
});

test('reset brings the clock back to true time with a continuous monotonic clock', () => {
  const clock = new SkewedClock(300);
  clock.setRate(1.5, 0);
  clock.bump(20);
  assert.equal(clock.wallMs(100_000), 100 * 1.5 + 320);
  clock.reset(100_000);
  assert.equal(clock.wallMs(200_000), 200);
  assert.equal(clock.monotonicMs(200_000), 150 + 100);
});

test('trueDelayUs ignores float noise and rounds partial microseconds up', () => {
  const clock = new SkewedClock();
  assert.equal(clock.trueDelayUs(0.1), 100);
  assert.equal(clock.trueDelayUs(0), 0);
  assert.equal(clock.trueDelayUs(-5), 0);
  clock.setRate(3, 0);
  assert.equal(clock.trueDelayUs(1), 334);
});

test('a positive delay, however tiny, waits at least a microsecond, so the clock moves before it fires', () => {
  const clock = new SkewedClock(-1136);
  assert.equal(clock.trueDelayUs(1.1368683772161603e-13), 1);
  assert.equal(clock.trueDelayUs(0.0004), 1);
  const simulation = new Simulation({ seed: 1 });
  const { factory, worlds } = capturingFactory(() => simulation.now());
  const world = simulation.addNode('n1', factory);
  simulation.bumpClock('n1', -1136);
  // A node that waits until its clock passes a mark a float hair away must get there.
  const markMs = world.clock.nowMs() + 1e-13;
  let waits = 0;
  const waitForMark = (): void => {
    waits += 1;
    if (world.clock.nowMs() < markMs) world.clock.setTimer(markMs - world.clock.nowMs(), waitForMark);
  };
  waitForMark();
  simulation.run(1);
  assert.ok(waits <= 2, `waited ${waits} times`);
  assert.equal(worlds.length, 1);
});

test('client hosts get skewable clocks too', () => {
  const simulation = new Simulation({ seed: 1 });
  const { factory, worlds } = capturingFactory(() => simulation.now());
  const world = simulation.addClient('c1', factory, { clockOffsetMs: -5 });
  assert.equal(worlds[0], world);
  simulation.run(10);
  assert.equal(world.clock.nowMs(), 5);
  assert.equal(simulation.clockMs('c1'), 5);
});
