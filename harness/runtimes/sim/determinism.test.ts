import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SeededRandom } from '../../../common/random.js';
import { Simulation } from './simulation.js';
import { gossipNode, type GossipNode } from './toys/gossip.js';

const NODES = ['n1', 'n2', 'n3', 'n4', 'n5'];

/** One random fault (or repair) drawn from the nemesis stream. */
function randomFault(simulation: Simulation, random: SeededRandom): void {
  const node = random.pick(NODES);
  const other = random.pick(NODES.filter((address) => address !== node));
  switch (random.integer(0, 9)) {
    case 0: {
      const shuffled = [...NODES];
      for (let index = shuffled.length - 1; index > 0; index--) {
        const other = random.integer(0, index + 1);
        [shuffled[index], shuffled[other]] = [shuffled[other] as string, shuffled[index] as string];
      }
      const cut = random.integer(1, NODES.length);
      return simulation.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
    }
    case 1:
      return simulation.cutLink(node, other);
    case 2:
      return simulation.heal();
    case 3:
      return simulation.state(node) === 'running' ? simulation.crash(node) : undefined;
    case 4:
      if (simulation.state(node) === 'crashed') simulation.restart(node);
      return;
    case 5:
      if (simulation.state(node) === 'running') simulation.pause(node);
      else if (simulation.state(node) === 'paused') simulation.resume(node);
      return;
    case 6:
      return simulation.bumpClock(node, random.integer(-5000, 5000));
    case 7:
      return random.next() < 0.5 ? simulation.setClockRate(node, 0.5 + random.next()) : simulation.strobeClock(node, { deltaMs: 200, periodMs: 5, durationMs: 300 });
    default:
      return simulation.setLinkOptions(node, other, { lossProbability: random.next() * 0.5, duplicateProbability: random.next() * 0.2 });
  }
}

function runGossip(seed: number, traceBufferSize = 0): { hash: string; events: number; dropped: number; views: string; lines: string[] } {
  const simulation = new Simulation({ seed, traceBufferSize, network: { latency: { baseMs: 1, tailMeanMs: 4 } } });
  for (const address of NODES) simulation.addNode(address, gossipNode(NODES));
  const nemesis = simulation.random('nemesis');
  const strike = (): void => {
    randomFault(simulation, nemesis);
    simulation.after(nemesis.integer(100, 600), 'nemesis', strike);
  };
  simulation.after(200, 'nemesis', strike);
  simulation.at(9_000, 'final heal', () => {
    simulation.heal();
    simulation.resumeAll();
    for (const address of NODES) if (simulation.state(address) === 'crashed') simulation.restart(address);
  });
  simulation.run(8_999);
  simulation.recordClientEvent('checkpoint');
  simulation.run(10_000);
  const views = NODES.map((address) => {
    const node = simulation.endpoint(address) as GossipNode | null;
    return `${address}:${JSON.stringify(node === null ? null : [...node.view])}`;
  }).join(' ');
  const stats = simulation.stats();
  return { hash: simulation.traceHash(), events: stats.events, dropped: stats.dropped, views, lines: simulation.traceLines() };
}

test('the same seed gives the same trace, byte for byte, under random faults', () => {
  const first = runGossip(1234, 200);
  const second = runGossip(1234, 200);
  assert.ok(first.events > 3000, `only ${first.events} events`);
  assert.ok(first.dropped > 100, 'the faults should have dropped messages');
  assert.equal(first.hash, second.hash);
  assert.equal(first.events, second.events);
  assert.equal(first.views, second.views);
  assert.deepEqual(first.lines, second.lines);
  assert.equal(first.lines.length, 200);
});

test('the trace hash does not depend on whether a trace buffer is kept', () => {
  assert.equal(runGossip(77, 0).hash, runGossip(77, 50).hash);
});

test('different seeds give different traces', () => {
  const hashes = new Set([1, 2, 3, 4, 5].map((seed) => runGossip(seed).hash));
  assert.equal(hashes.size, 5);
});

test('the hash covers message content, not only who sent what when', () => {
  const run = (value: number): string => {
    const simulation = new Simulation({ seed: 1 });
    const world = simulation.addNode('a', () => ({ receive: () => {} }));
    simulation.addNode('b', () => ({ receive: () => {} }));
    world.transport.send('b', { type: 'm', value });
    simulation.run(10);
    return simulation.traceHash();
  };
  assert.equal(run(1), run(1));
  assert.notEqual(run(1), run(2));
});
