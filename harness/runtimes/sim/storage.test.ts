import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { World } from '../../../clusters/coordinator/world.js';
import { Simulation } from './simulation.js';
import { SimulatedStorage } from './storage.js';
import { capturingFactory } from './fixtures.js';

test('a crash keeps exactly what the last sync covered', () => {
  const storage = new SimulatedStorage();
  storage.set('term', 1);
  storage.set('log/1', { command: 'a' });
  storage.sync();
  storage.set('term', 2);
  storage.delete('log/1');
  storage.set('log/2', { command: 'b' });
  assert.equal(storage.get('term'), 2);
  assert.equal(storage.unsyncedKeys, 3);
  storage.crash();
  assert.equal(storage.get('term'), 1);
  assert.deepEqual(storage.get('log/1'), { command: 'a' });
  assert.equal(storage.get('log/2'), undefined);
});

test('deletes survive a crash only once synced', () => {
  const storage = new SimulatedStorage();
  storage.set('a', 1);
  storage.sync();
  storage.delete('a');
  storage.sync();
  storage.set('a', 2);
  storage.crash();
  assert.equal(storage.get('a'), undefined);
});

test('values are frozen on the way in, reads share them, and keys come sorted by prefix', () => {
  const storage = new SimulatedStorage();
  const entry = { items: [1], nested: { frozen: Object.freeze({ deep: [2] }) } };
  storage.set('log/0002', entry);
  assert.throws(() => entry.items.push(2), TypeError);
  const read = storage.get('log/0002') as typeof entry;
  assert.deepEqual(read, { items: [1], nested: { frozen: { deep: [2] } } });
  assert.throws(() => read.items.push(9), TypeError);
  assert.throws(() => storage.set('bad', { when: new Date() }), /plain JSON data/);
  storage.set('log/0001', 'x');
  storage.set('meta', 'y');
  assert.deepEqual(storage.keys('log/'), ['log/0001', 'log/0002']);
});

test('in the simulation, a restarted node sees synced writes and not unsynced ones', () => {
  const simulation = new Simulation({ seed: 5 });
  const { factory, worlds } = capturingFactory(() => simulation.now());
  const first = simulation.addNode('n1', factory);
  first.storage.set('vote', 'n2');
  first.storage.sync();
  first.storage.set('vote', 'n3');
  first.storage.set('scratch', true);
  simulation.crash('n1');
  const second = simulation.restart('n1');
  assert.equal(worlds.length, 2);
  assert.equal(second.storage.get('vote'), 'n2');
  assert.equal(second.storage.get('scratch'), undefined);
});

test('each host logs into its own bounded buffer, which survives crashes', () => {
  const simulation = new Simulation({ seed: 5, logLinesPerHost: 3 });
  const { factory } = capturingFactory(() => simulation.now());
  const world: World = simulation.addNode('n1', factory);
  simulation.run(1.5);
  world.log('hello');
  simulation.crash('n1');
  simulation.restart('n1');
  const lines = simulation.logs('n1');
  assert.equal(lines.length, 3);
  assert.deepEqual(lines, ['1.500ms hello', '1.500ms *** crash n1', '1.500ms *** restart n1']);
});
