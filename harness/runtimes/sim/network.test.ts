import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { World } from '../../../clusters/coordinator/world.js';
import { Simulation, type SimulationOptions } from './simulation.js';
import { capturingFactory, type Recorder } from './fixtures.js';

function cluster(addresses: string[], options: Partial<SimulationOptions> = {}): { simulation: Simulation; worlds: Map<string, World>; inbox: Map<string, Recorder> } {
  const simulation = new Simulation({ seed: 3, ...options });
  const worlds = new Map<string, World>();
  const inbox = new Map<string, Recorder>();
  for (const address of addresses) {
    const captured = capturingFactory(() => simulation.now());
    worlds.set(address, simulation.addNode(address, captured.factory));
    inbox.set(address, captured.recorders[0] as Recorder);
  }
  return { simulation, worlds, inbox };
}

function send(worlds: Map<string, World>, from: string, to: string, type: string, extra: Record<string, unknown> = {}): void {
  (worlds.get(from) as World).transport.send(to, { type, ...extra });
}

test('latency is at least the base and at most the cap', () => {
  const { simulation, worlds, inbox } = cluster(['a', 'b'], { network: { latency: { baseMs: 2, tailMeanMs: 3, maxMs: 6 } } });
  for (let index = 0; index < 500; index++) send(worlds, 'a', 'b', 'm');
  simulation.run(100);
  const times = (inbox.get('b') as Recorder).received.map((entry) => entry.atMs);
  assert.equal(times.length, 500);
  assert.ok(times.every((time) => time >= 2 && time <= 6));
  assert.ok(new Set(times).size > 50, 'latencies should vary');
});

test('random latency reorders messages; ordered links never do', () => {
  for (const ordered of [false, true]) {
    const { simulation, worlds, inbox } = cluster(['a', 'b'], { network: { latency: { baseMs: 1, tailMeanMs: 5 }, ordered } });
    for (let index = 0; index < 200; index++) send(worlds, 'a', 'b', 'm', { index });
    simulation.run(1000);
    const indices = (inbox.get('b') as Recorder).received.map((entry) => entry.message['index'] as number);
    const sorted = [...indices].sort((left, right) => left - right);
    assert.equal(indices.length, 200);
    if (ordered) assert.deepEqual(indices, sorted);
    else assert.notDeepEqual(indices, sorted);
  }
});

test('loss drops about the configured share; duplication adds copies', () => {
  const lossy = cluster(['a', 'b'], { network: { lossProbability: 0.3 } });
  for (let index = 0; index < 2000; index++) send(lossy.worlds, 'a', 'b', 'm');
  lossy.simulation.run(1000);
  const delivered = (lossy.inbox.get('b') as Recorder).received.length;
  assert.ok(delivered > 1250 && delivered < 1550, `delivered ${delivered} of 2000 at 30% loss`);
  assert.equal(lossy.simulation.stats().dropped, 2000 - delivered);

  const duplicating = cluster(['a', 'b'], { network: { duplicateProbability: 0.5 } });
  for (let index = 0; index < 1000; index++) send(duplicating.worlds, 'a', 'b', 'm', { index });
  duplicating.simulation.run(1000);
  const copies = (duplicating.inbox.get('b') as Recorder).received.length;
  assert.ok(copies > 1400 && copies < 1600, `${copies} deliveries of 1000 sends at 50% duplication`);
  assert.equal(duplicating.simulation.stats().duplicated, copies - 1000);
});

test('a groups partition cuts links between groups both ways, and heal restores them', () => {
  const { simulation, worlds, inbox } = cluster(['n1', 'n2', 'n3', 'c1']);
  simulation.partition([['n1'], ['n2', 'n3']]);
  for (const [from, to] of [['n1', 'n2'], ['n2', 'n1'], ['n3', 'n1'], ['n2', 'n3'], ['c1', 'n1'], ['n1', 'c1']] as const) send(worlds, from, to, `${from}>${to}`);
  simulation.run(100);
  assert.deepEqual((inbox.get('n1') as Recorder).types(), ['c1>n1']);
  assert.deepEqual((inbox.get('n3') as Recorder).types(), ['n2>n3']);
  assert.deepEqual((inbox.get('c1') as Recorder).types(), ['n1>c1']);
  assert.equal(simulation.blockedLinks().length, 4);
  simulation.heal();
  assert.equal(simulation.blockedLinks().length, 0);
  send(worlds, 'n2', 'n1', 'after-heal');
  simulation.run(200);
  assert.deepEqual((inbox.get('n1') as Recorder).types(), ['c1>n1', 'after-heal']);
});

test('a one-way cut drops one direction only', () => {
  const { simulation, worlds, inbox } = cluster(['a', 'b']);
  simulation.cutLink('a', 'b');
  send(worlds, 'a', 'b', 'lost');
  send(worlds, 'b', 'a', 'arrives');
  simulation.run(100);
  assert.deepEqual((inbox.get('b') as Recorder).types(), []);
  assert.deepEqual((inbox.get('a') as Recorder).types(), ['arrives']);
  simulation.healLink('a', 'b');
  send(worlds, 'a', 'b', 'now-arrives');
  simulation.run(200);
  assert.deepEqual((inbox.get('b') as Recorder).types(), ['now-arrives']);
});

test('a message in flight when a partition starts is dropped on arrival', () => {
  const { simulation, worlds, inbox } = cluster(['a', 'b'], { network: { latency: { baseMs: 10, tailMeanMs: 0 } } });
  send(worlds, 'a', 'b', 'in-flight');
  simulation.run(5);
  simulation.partition([['a'], ['b']]);
  simulation.run(100);
  assert.deepEqual((inbox.get('b') as Recorder).types(), []);
});

test('messages are frozen at send: the sender cannot change one in flight', () => {
  const { simulation, worlds, inbox } = cluster(['a', 'b']);
  const message = { type: 'm', nested: { values: [1, 2] } };
  (worlds.get('a') as World).transport.send('b', message);
  assert.throws(() => message.nested.values.push(3), TypeError);
  assert.throws(() => ((message as { type: string }).type = 'changed'), TypeError);
  simulation.run(100);
  const received = (inbox.get('b') as Recorder).received[0]?.message;
  assert.deepEqual(received, { type: 'm', nested: { values: [1, 2] } });
  assert.ok(Object.isFrozen(received));
  assert.throws(() => (worlds.get('a') as World).transport.send('b', { type: 'bad', when: new Date() }), /plain JSON data/);
});

test('a message dropped at send is frozen too, so senders meet one rule whatever the network does', () => {
  const { simulation, worlds } = cluster(['a', 'b']);
  simulation.cutLink('a', 'b');
  const message = { type: 'm', values: [1] };
  (worlds.get('a') as World).transport.send('b', message);
  assert.ok(Object.isFrozen(message) && Object.isFrozen(message.values));
});

test('per-link options override the defaults for that direction only', () => {
  const { simulation, worlds, inbox } = cluster(['a', 'b']);
  simulation.setLinkOptions('a', 'b', { lossProbability: 1 });
  send(worlds, 'a', 'b', 'lost');
  send(worlds, 'b', 'a', 'kept');
  send(worlds, 'a', 'nobody', 'unroutable');
  simulation.run(100);
  assert.deepEqual((inbox.get('b') as Recorder).types(), []);
  assert.deepEqual((inbox.get('a') as Recorder).types(), ['kept']);
  assert.equal(simulation.stats().dropped, 2);
});
