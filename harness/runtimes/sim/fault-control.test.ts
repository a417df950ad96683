import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { World } from '../../../clusters/coordinator/world.js';
import { createSchedule, type NemesisEvent } from '../../../nemesis/index.js';
import type { Scheduler } from '../index.js';
import { SimulationFaultControl } from './fault-control.js';
import { capturingFactory, type Recorder } from './fixtures.js';
import { Simulation } from './simulation.js';
import { gossipNode } from './toys/gossip.js';

const NODES = ['n1', 'n2', 'n3'];

interface Cluster {
  simulation: Simulation;
  control: SimulationFaultControl;
  /** Every World each node was given, one per incarnation. */
  worlds: Map<string, World[]>;
  recorders: Map<string, Recorder[]>;
}

function cluster(): Cluster {
  const simulation = new Simulation({ seed: 5, network: { latency: { baseMs: 1, tailMeanMs: 0 } } });
  const worlds = new Map<string, World[]>();
  const recorders = new Map<string, Recorder[]>();
  for (const node of NODES) {
    const captured = capturingFactory(() => simulation.now());
    simulation.addNode(node, captured.factory);
    worlds.set(node, captured.worlds);
    recorders.set(node, captured.recorders);
  }
  simulation.addClient('c1', { receive: () => {} });
  return { simulation, control: new SimulationFaultControl(simulation), worlds, recorders };
}

function latestWorld(state: Cluster, node: string): World {
  return (state.worlds.get(node) as World[]).at(-1) as World;
}

function received(state: Cluster, node: string): string[] {
  return ((state.recorders.get(node) as Recorder[]).at(-1) as Recorder).types();
}

function send(state: Cluster, from: string, to: string, type: string): void {
  latestWorld(state, from).transport.send(to, { type });
}

test('the simulator offers every fault, on its server nodes only', () => {
  const { control } = cluster();
  assert.deepEqual([...control.abilities].sort(), ['clock', 'kill', 'partition', 'pause']);
  assert.deepEqual(control.nodes, NODES);
});

test('messages are dropped across a partition and flow after heal', () => {
  const state = cluster();
  state.control.partition([['n1'], ['n2', 'n3']]);
  send(state, 'n1', 'n2', 'across');
  send(state, 'n2', 'n1', 'back-across');
  send(state, 'n2', 'n3', 'within');
  state.simulation.runFor(10);
  assert.deepEqual(received(state, 'n2'), []);
  assert.deepEqual(received(state, 'n1'), []);
  assert.deepEqual(received(state, 'n3'), ['within']);
  state.control.heal();
  send(state, 'n1', 'n2', 'after-heal');
  state.simulation.runFor(10);
  assert.deepEqual(received(state, 'n2'), ['after-heal']);
});

test('a cut link drops one direction only', () => {
  const state = cluster();
  state.control.cutLink('n1', 'n2');
  send(state, 'n1', 'n2', 'cut');
  send(state, 'n2', 'n1', 'open');
  state.simulation.runFor(10);
  assert.deepEqual(received(state, 'n2'), []);
  assert.deepEqual(received(state, 'n1'), ['open']);
});

test('a killed node stops, and restarts as a new incarnation that receives again', () => {
  const state = cluster();
  state.control.kill('n2');
  assert.equal(state.simulation.state('n2'), 'crashed');
  send(state, 'n1', 'n2', 'while-dead');
  state.simulation.runFor(10);
  state.control.restart('n2');
  assert.equal(state.simulation.state('n2'), 'running');
  assert.equal((state.worlds.get('n2') as World[]).length, 2);
  send(state, 'n1', 'n2', 'after-restart');
  state.simulation.runFor(10);
  assert.deepEqual(received(state, 'n2'), ['after-restart']);
});

test('a paused node receives nothing until it resumes, then everything held', () => {
  const state = cluster();
  state.control.pause('n3');
  send(state, 'n1', 'n3', 'held');
  state.simulation.runFor(50);
  assert.equal(state.simulation.state('n3'), 'paused');
  assert.deepEqual(received(state, 'n3'), []);
  state.control.resume('n3');
  state.simulation.runFor(1);
  assert.deepEqual(received(state, 'n3'), ['held']);
});

test('a bumped clock shows in the node\'s world, and reset brings it back to true time', () => {
  const state = cluster();
  state.simulation.runFor(100);
  state.control.skewClock('n1', { bumpMs: 5_000 });
  assert.equal(latestWorld(state, 'n1').clock.nowMs(), 5_100);
  assert.equal(latestWorld(state, 'n2').clock.nowMs(), 100);
  state.control.resetClock('n1');
  state.simulation.runFor(100);
  assert.equal(latestWorld(state, 'n1').clock.nowMs(), 200);
});

test('drift runs the clock at the rate; a strobe swings it by plus or minus the amplitude', () => {
  const state = cluster();
  state.control.skewClock('n1', { rate: 2 });
  state.simulation.runFor(100);
  assert.equal(latestWorld(state, 'n1').clock.nowMs(), 200);
  state.control.skewClock('n2', { strobe: { amplitudeMs: 1_000, periodMs: 10 } });
  const offsets = new Set<number>();
  for (let step = 0; step < 10; step++) {
    state.simulation.runFor(5);
    offsets.add(Math.round(latestWorld(state, 'n2').clock.nowMs() - state.simulation.now()));
  }
  assert.deepEqual([...offsets].sort((left, right) => left - right), [-1_000, 1_000]);
  state.control.resetClock('n2');
  assert.equal(latestWorld(state, 'n2').clock.nowMs(), state.simulation.now());
});

function schedulerOf(simulation: Simulation): Scheduler {
  return { nowMs: () => simulation.now(), after: (delayMs, label, callback) => simulation.after(delayMs, label, callback) };
}

function runAllFaults(seed: number): { events: NemesisEvent[]; traceHash: string; simulation: Simulation } {
  const simulation = new Simulation({ seed });
  for (const node of NODES) simulation.addNode(node, gossipNode(NODES));
  const control = new SimulationFaultControl(simulation);
  const schedule = createSchedule({ nemesis: 'all', nodes: NODES, timing: { maxActiveFaults: 3 } }, simulation.random('nemesis'), control.abilities, 'sim');
  const events: NemesisEvent[] = [];
  schedule.start({ scheduler: schedulerOf(simulation), control, view: () => ({ nodes: NODES, leader: 'n1' }), onEvent: (event) => events.push(event) });
  simulation.run(120_000);
  schedule.healAll(control);
  simulation.runFor(1_000);
  return { events, traceHash: simulation.traceHash(), simulation };
}

test('every nemesis runs on the simulator, overlapping, and healAll leaves the cluster whole', () => {
  const { events, simulation } = runAllFaults(11);
  const kinds = new Set<string>(events.map((event) => event.f));
  for (const kind of ['partition', 'kill', 'pause', 'clock']) assert.ok(kinds.has(`start-${kind}`), `no ${kind} in ${[...kinds].join(' ')}`);
  assert.equal(events.filter((event) => event.f.startsWith('start-')).length, events.filter((event) => event.f.startsWith('stop-')).length);
  assert.deepEqual(simulation.blockedLinks(), []);
  for (const node of NODES) {
    assert.equal(simulation.state(node), 'running');
    assert.equal(simulation.clockMs(node), simulation.now());
  }
});

test('the same seed gives the same faults and the same trace', () => {
  const first = runAllFaults(12);
  const second = runAllFaults(12);
  assert.deepEqual(second.events, first.events);
  assert.equal(second.traceHash, first.traceHash);
});
