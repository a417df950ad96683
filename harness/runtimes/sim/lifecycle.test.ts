import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { World } from '../../../clusters/coordinator/world.js';
import { capturingFactory, type Recorder } from './fixtures.js';
import { SimulationLimitError } from './limits.js';
import { Simulation } from './simulation.js';

function pair(): { simulation: Simulation; worlds: World[]; recorders: Recorder[]; peer: World; peerInbox: Recorder } {
  const simulation = new Simulation({ seed: 9, network: { latency: { baseMs: 1, tailMeanMs: 0 } } });
  const node = capturingFactory(() => simulation.now());
  simulation.addNode('n1', node.factory);
  const peer = capturingFactory(() => simulation.now());
  simulation.addNode('n2', peer.factory);
  return { simulation, worlds: node.worlds, recorders: node.recorders, peer: peer.worlds[0] as World, peerInbox: peer.recorders[0] as Recorder };
}

test('a crash drops the object and its timers; the old world can no longer act', () => {
  const { simulation, worlds, recorders, peer, peerInbox } = pair();
  const old = worlds[0] as World;
  let fired = false;
  old.clock.setTimer(10, () => (fired = true));
  simulation.crash('n1');
  assert.equal(simulation.endpoint('n1'), null);
  assert.equal(simulation.state('n1'), 'crashed');
  peer.transport.send('n1', { type: 'to-crashed' });
  old.transport.send('n2', { type: 'from-zombie' });
  assert.equal(old.clock.setTimer(1, () => (fired = true)), 0);
  simulation.run(100);
  assert.equal(fired, false);
  assert.equal((recorders[0] as Recorder).received.length, 0);
  assert.equal(peerInbox.received.length, 0);
  assert.equal((recorders[0] as Recorder).stopped, false, 'a crash runs no code of the node');
});

test('restart builds a new object from the same factory with a fresh world', () => {
  const { simulation, worlds, recorders, peer } = pair();
  simulation.crash('n1');
  assert.throws(() => simulation.crash('n1'), /already crashed/);
  simulation.restart('n1');
  assert.throws(() => simulation.restart('n1'), /crash it first/);
  assert.equal(worlds.length, 2);
  assert.notEqual(worlds[0], worlds[1]);
  assert.equal(simulation.endpoint('n1'), recorders[1]);
  peer.transport.send('n1', { type: 'hello' });
  simulation.run(10);
  assert.deepEqual((recorders[1] as Recorder).types(), ['hello']);
});

test('stop runs the node\'s stop() before dropping it', () => {
  const { simulation, recorders } = pair();
  simulation.stop('n1');
  assert.equal((recorders[0] as Recorder).stopped, true);
  assert.equal(simulation.state('n1'), 'crashed');
});

test('pause holds timers and messages; resume delivers them late, in order', () => {
  const { simulation, worlds, recorders, peer } = pair();
  const world = worlds[0] as World;
  const inbox = recorders[0] as Recorder;
  const timerFiredAt: number[] = [];
  world.clock.setTimer(5, () => timerFiredAt.push(simulation.now()));
  simulation.pause('n1');
  peer.transport.send('n1', { type: 'first' });
  simulation.run(3);
  peer.transport.send('n1', { type: 'second' });
  simulation.run(50);
  assert.equal(inbox.received.length, 0);
  assert.deepEqual(timerFiredAt, []);
  assert.throws(() => simulation.pause('n1'), /paused/);
  simulation.resume('n1');
  simulation.run(50);
  assert.deepEqual(inbox.types(), ['first', 'second']);
  assert.deepEqual(inbox.received.map((entry) => entry.atMs), [50, 50]);
  assert.deepEqual(timerFiredAt, [50]);
  assert.equal(world.clock.nowMs(), 50, 'the clock kept running while paused');
});

test('a timer cleared after resume but before it fires does not fire', () => {
  const { simulation, worlds, peer } = pair();
  const world = worlds[0] as World;
  let fired = false;
  const handle = world.clock.setTimer(5, () => (fired = true));
  simulation.pause('n1');
  simulation.run(20);
  simulation.resume('n1');
  world.clock.clearTimer(handle);
  peer.transport.send('n1', { type: 'x' });
  simulation.run(50);
  assert.equal(fired, false);
});

test('a crash while paused loses what was held', () => {
  const { simulation, recorders, peer } = pair();
  simulation.pause('n1');
  peer.transport.send('n1', { type: 'held' });
  simulation.run(10);
  simulation.crash('n1');
  simulation.restart('n1');
  simulation.run(20);
  assert.equal((recorders[0] as Recorder).received.length, 0);
  assert.equal((recorders[1] as Recorder).received.length, 0);
});

test('actions run at their virtual time, in scheduling order on ties', () => {
  const simulation = new Simulation({ seed: 1 });
  const order: string[] = [];
  simulation.at(20, 'b', () => order.push(`b@${simulation.now()}`));
  simulation.at(10, 'a', () => order.push(`a@${simulation.now()}`));
  simulation.at(20, 'c', () => order.push(`c@${simulation.now()}`));
  simulation.after(5, 'd', () => simulation.after(0, 'e', () => order.push(`e@${simulation.now()}`)));
  simulation.run(15);
  assert.deepEqual(order, ['e@5', 'a@10']);
  assert.equal(simulation.now(), 15);
  while (simulation.step());
  assert.deepEqual(order, ['e@5', 'a@10', 'b@20', 'c@20']);
  assert.throws(() => simulation.at(1, 'past', () => {}), /past/);
});

test('runUntil stops when the predicate holds or the timeout passes', () => {
  const simulation = new Simulation({ seed: 1 });
  let ticks = 0;
  const tick = (): void => {
    ticks++;
    simulation.after(10, 'tick', tick);
  };
  simulation.after(10, 'tick', tick);
  assert.equal(simulation.runUntil(() => ticks === 3, 1000), true);
  assert.equal(simulation.now(), 30);
  assert.equal(simulation.runUntil(() => ticks === 1000, 100), false);
  assert.equal(simulation.now(), 130);
});

test('limits stop a runaway simulation with a clear error', () => {
  const spinning = new Simulation({ seed: 1, limits: { maxEvents: 1000 } });
  const spin = (): void => spinning.after(0, 'spin', spin);
  spinning.after(0, 'spin', spin);
  assert.throws(() => spinning.run(1), (error: unknown) => error instanceof SimulationLimitError && error.limit === 'maxEvents' && /livelock/.test(error.message));

  const long = new Simulation({ seed: 1, limits: { maxVirtualTimeMs: 100 } });
  assert.throws(() => long.run(101), /maxVirtualTimeMs=100/);
  long.at(100, 'late', () => long.after(1, 'too late', () => {}));
  long.run(100);
  assert.throws(() => long.step(), /maxVirtualTimeMs/);

  const crowded = new Simulation({ seed: 1, limits: { maxQueuedEvents: 10 } });
  assert.throws(() => {
    for (let index = 0; index < 11; index++) crowded.after(1, 'x', () => {});
  }, /maxQueuedEvents/);
});

test('an observer runs after every step and can stop the run', () => {
  const simulation = new Simulation({ seed: 1 });
  let steps = 0;
  const remove = simulation.addObserver(() => {
    steps++;
    assert.ok(simulation.now() < 30, 'time went too far');
  });
  for (const time of [10, 20, 30]) simulation.at(time, 'x', () => {});
  assert.throws(() => simulation.run(100), /time went too far \(virtual time 30\.000 ms, event 3\)/);
  assert.equal(steps, 3);
  remove();
  simulation.at(40, 'y', () => {});
  simulation.run(100);
  assert.equal(steps, 3);
});

test('a factory that throws leaves the host crashed, ready for another restart', () => {
  const simulation = new Simulation({ seed: 1 });
  let attempts = 0;
  const factory = (): { receive(): void } => {
    attempts++;
    if (attempts === 2) throw new Error('bad boot');
    return { receive: () => {} };
  };
  simulation.addNode('n1', factory);
  simulation.crash('n1');
  assert.throws(() => simulation.restart('n1'), /bad boot/);
  assert.equal(simulation.state('n1'), 'crashed');
  simulation.restart('n1');
  assert.equal(simulation.state('n1'), 'running');
  assert.throws(() => simulation.partition([['n1'], ['n1']]), /overlap/);
});
