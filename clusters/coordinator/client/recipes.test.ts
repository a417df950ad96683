import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeCluster } from '../service/fake-cluster.js';
import { LockRecipe, RegisterRecipe, SequenceRecipe, promised } from './recipes.js';
import type { Outcome } from './types.js';
import * as requests from './requests.js';

test('register: read of a missing key is null; write creates then overwrites; cas compares', () => {
  const cluster = new FakeCluster();
  const register = new RegisterRecipe(cluster.connectedClient('c1', { firstServerIndex: 1 }));
  assert.deepEqual(cluster.await((callback) => register.read('k', callback)), { type: 'ok', value: null });
  assert.deepEqual(cluster.await((callback) => register.write('k', 3, callback)), { type: 'ok', value: 3 });
  assert.deepEqual(cluster.await((callback) => register.write('k', 4, callback)), { type: 'ok', value: 4 });
  assert.deepEqual(cluster.await((callback) => register.read('k', callback)), { type: 'ok', value: 4 });
  assert.deepEqual(cluster.await((callback) => register.cas('k', 3, 5, callback)), { type: 'fail', reason: 'compare-failed' });
  assert.deepEqual(cluster.await((callback) => register.cas('k', 4, 5, callback)), { type: 'ok', value: [4, 5] });
  assert.deepEqual(cluster.await((callback) => register.read('k', callback)), { type: 'ok', value: 5 });
  assert.deepEqual(cluster.await((callback) => register.cas('missing', 1, 2, callback)), { type: 'fail', reason: 'NONODE' });
});

test('register: concurrent cas from the same value lets exactly one win', () => {
  const cluster = new FakeCluster();
  const registers = [0, 1, 2].map((index) => new RegisterRecipe(cluster.connectedClient(`c${index}`, { firstServerIndex: index })));
  cluster.await((callback) => (registers[0] as RegisterRecipe).write(7, 0, callback));
  const outcomes: Outcome[] = [];
  registers.forEach((register, index) => register.cas(7, 0, index + 1, (outcome) => outcomes.push(outcome)));
  cluster.run(200);
  assert.equal(outcomes.length, 3);
  assert.equal(outcomes.filter((outcome) => outcome.type === 'ok').length, 1, JSON.stringify(outcomes));
  assert.ok(outcomes.every((outcome) => outcome.type === 'ok' || (outcome.type === 'fail' && outcome.reason === 'BADVERSION')));
});

test('register: concurrent first writes to a missing key all succeed, each once', () => {
  const cluster = new FakeCluster();
  const registers = [0, 1, 2].map((index) => new RegisterRecipe(cluster.connectedClient(`c${index}`, { firstServerIndex: index })));
  const outcomes: Outcome[] = [];
  registers.forEach((register, index) => register.write('fresh', index, (outcome) => outcomes.push(outcome)));
  cluster.run(200);
  assert.deepEqual(outcomes.map((outcome) => outcome.type), ['ok', 'ok', 'ok']);
  const read = cluster.await((callback) => (registers[0] as RegisterRecipe).read('fresh', callback));
  assert.ok(read.type === 'ok' && [0, 1, 2].includes(read.value as number));
  const stat = cluster.await((callback) => cluster.connectedClient('c9').submit(requests.exists('/registers/fresh'), callback));
  assert.equal(stat.type === 'ok' && (stat.value as { version: number }).version, 2, 'three writes: one create, two sets');
});

test('sequence: ids are unique and increase in commit order', () => {
  const cluster = new FakeCluster();
  const sequences = [0, 1, 2].map((index) => new SequenceRecipe(cluster.connectedClient(`c${index}`, { firstServerIndex: index })));
  const ids: number[] = [];
  for (let round = 0; round < 4; round++) {
    for (const sequence of sequences) {
      const outcome = cluster.await<number>((callback) => sequence.next('s', callback));
      assert.equal(outcome.type, 'ok');
      ids.push((outcome as { value: number }).value);
    }
  }
  assert.deepEqual(ids, [...Array(12).keys()]);
});

test('lock: one holder at a time, handed over on release and on the holder session expiring', () => {
  const cluster = new FakeCluster();
  const clients = [0, 1, 2].map((index) => cluster.connectedClient(`c${index}`, { firstServerIndex: index, sessionTimeoutMs: 400 }));
  const locks = clients.map((client, index) => new LockRecipe(client, cluster.clock(`c${index}`)));
  const events: string[] = [];
  locks.forEach((lock, index) => lock.acquire('L', (outcome) => events.push(`${index} ${outcome.type}`)));
  cluster.run(100);
  assert.equal(events.length, 1, events.join());
  const first = Number((events[0] as string)[0]);
  cluster.await((callback) => (locks[first] as LockRecipe).release('L', callback));
  cluster.run(100);
  assert.equal(events.length, 2, events.join());
  const second = Number((events[1] as string)[0]);
  assert.notEqual(second, first);
  // The holder vanishes: its session expires and its node goes, so the last waiter gets the lock.
  cluster.network.isolate(`c${second}`, cluster.servers);
  cluster.run(1500);
  assert.equal(events.length, 3, events.join());
  assert.deepEqual(events.map((event) => event.split(' ')[1]), ['ok', 'ok', 'ok']);
  assert.equal(new Set(events.map((event) => event[0])).size, 3);
});

test('lock: a waiter that times out leaves the queue', async () => {
  const cluster = new FakeCluster();
  const holder = new LockRecipe(cluster.connectedClient('c1'), cluster.clock('c1'));
  const waiter = new LockRecipe(cluster.connectedClient('c2'), cluster.clock('c2'), { acquireTimeoutMs: 200 });
  assert.equal(cluster.await((callback) => holder.acquire('L', callback)).type, 'ok');
  const pending = promised<string>((callback) => waiter.acquire('L', callback));
  cluster.run(400);
  assert.deepEqual(await pending, { type: 'info', reason: 'timeout' });
  const observer = cluster.connectedClient('c3');
  const children = cluster.await((callback) => observer.submit(requests.getChildren('/locks/L'), callback));
  assert.deepEqual(children.type === 'ok' && (children.value as { children: string[] }).children, ['lock-0000000000']);
});
