import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchManager } from './watches.js';
import { FakeCluster } from './fake-cluster.js';
import * as requests from '../client/requests.js';
import type { CoordinatorClient } from '../client/client.js';
import type { Outcome, WatchEvent } from '../client/types.js';
import type { ClientRequest } from './protocol.js';
import type { GetDataValue } from './types.js';

function call(cluster: FakeCluster, client: CoordinatorClient, request: ClientRequest, onWatch?: (event: WatchEvent) => void): Outcome {
  const outcome = cluster.await((callback) => client.submit(request, callback, onWatch === undefined ? {} : { onWatch }));
  return outcome;
}

function describe(event: WatchEvent): string {
  return `${event.type} ${event.path}`;
}

test('watch manager: one-shot, one event per connection, dropped with the connection', () => {
  const watches = new WatchManager();
  watches.add('data', '/a', 'x');
  watches.add('child', '/a', 'x');
  watches.add('data', '/a', 'y');
  watches.add('child', '/b', 'y');
  assert.deepEqual(watches.fire({ type: 'deleted', path: '/a', zxid: 5 }), ['x', 'y']);
  assert.deepEqual(watches.fire({ type: 'deleted', path: '/a', zxid: 6 }), []);
  assert.deepEqual(watches.fire({ type: 'data-changed', path: '/b', zxid: 7 }), [], 'a child watch saw a data change');
  watches.removeConnection('y');
  assert.equal(watches.count(), 0);
  watches.add('data', '/c', 'z');
  assert.deepEqual(watches.fire({ type: 'children-changed', path: '/c', zxid: 8 }), []);
  assert.deepEqual(watches.fire({ type: 'data-changed', path: '/c', zxid: 9 }), ['z']);
});

test('data, existence and child watches fire once each', () => {
  const cluster = new FakeCluster();
  const watcher = cluster.connectedClient('c1', { firstServerIndex: 1 });
  const writer = cluster.connectedClient('c2', { firstServerIndex: 0 });
  const events: string[] = [];
  const record = (event: WatchEvent): void => void events.push(describe(event));
  assert.equal((call(cluster, watcher, requests.exists('/w'), record) as { value: unknown }).value, null);
  call(cluster, watcher, requests.getChildren('/'), record);
  call(cluster, writer, requests.create('/w', '1'));
  cluster.run(10);
  assert.deepEqual(events, ['created /w', 'children-changed /']);
  call(cluster, watcher, requests.getData('/w'), record);
  call(cluster, watcher, requests.getChildren('/w'), record);
  call(cluster, writer, requests.setData('/w', '2'));
  call(cluster, writer, requests.setData('/w', '3'));
  call(cluster, writer, requests.create('/w/kid', ''));
  call(cluster, writer, requests.create('/w/kid2', ''));
  cluster.run(10);
  assert.deepEqual(events.slice(2), ['data-changed /w', 'children-changed /w']);
  call(cluster, watcher, requests.getData('/w/kid'), record);
  call(cluster, watcher, requests.getChildren('/w/kid'), record);
  call(cluster, writer, requests.remove('/w/kid'));
  cluster.run(10);
  assert.deepEqual(events.slice(4), ['deleted /w/kid', 'deleted /w/kid'], 'both callbacks, from one event');
  assert.equal(cluster.network.countSent((sent) => sent.message.type === 'server.watch'), 5);
  assert.equal((call(cluster, watcher, requests.getData('/none'), record) as { reason: string }).reason, 'NONODE');
  call(cluster, writer, requests.create('/none', ''));
  cluster.run(10);
  assert.equal(events.length, 6, 'getData on a missing node set a watch');
});

test('a watch event reaches the client before any reply that reflects its change', () => {
  const cluster = new FakeCluster();
  const watcher = cluster.connectedClient('c1', { firstServerIndex: 2 });
  const writer = cluster.connectedClient('c2', { firstServerIndex: 2 });
  call(cluster, writer, requests.create('/w', 'old'));
  const order: string[] = [];
  call(cluster, watcher, requests.getData('/w', 'sequential'), (event) => order.push(`event ${describe(event)}`));
  writer.submit(requests.setData('/w', 'new'), () => order.push('write answered'));
  // Poll with sequential reads; none may show "new" before the event arrived.
  for (let step = 0; step < 20; step++) {
    watcher.submit(requests.getData('/w', 'sequential'), (outcome) => {
      if (outcome.type === 'ok') order.push(`read ${(outcome.value as GetDataValue).data}`);
    });
    cluster.run(1);
  }
  cluster.run(20);
  const firstNew = order.indexOf('read new');
  const event = order.indexOf('event data-changed /w');
  assert.ok(firstNew > 0 && event >= 0 && event < firstNew, order.join(', '));
  // On the writer's own connection too: the event for its write comes before the write's reply.
  const order2: string[] = [];
  call(cluster, writer, requests.exists('/w'), () => order2.push('event'));
  writer.submit(requests.setData('/w', 'newer'), () => order2.push('reply'));
  cluster.run(20);
  assert.deepEqual(order2, ['event', 'reply']);
});

test('session expiry fires watches on the ephemerals it deletes', () => {
  const cluster = new FakeCluster();
  const owner = cluster.connectedClient('c1', { firstServerIndex: 0, sessionTimeoutMs: 300 });
  const watcher = cluster.connectedClient('c2', { firstServerIndex: 1, sessionTimeoutMs: 5000 });
  call(cluster, owner, requests.create('/lock', '', { ephemeral: true }));
  const events: string[] = [];
  call(cluster, watcher, requests.exists('/lock'), (event) => events.push(describe(event)));
  cluster.network.isolate('c1', cluster.servers);
  cluster.run(1000);
  assert.deepEqual(events, ['deleted /lock']);
});

test('a lost connection tells its watchers; the watch is gone', () => {
  const cluster = new FakeCluster();
  const watcher = cluster.connectedClient('c1', { firstServerIndex: 1, sessionTimeoutMs: 600 });
  const events: string[] = [];
  call(cluster, watcher, requests.exists('/x'), (event) => events.push(describe(event)));
  cluster.network.isolate('c1', ['n2']);
  // Read timeout (400 ms), a pause, then the next server.
  cluster.run(700);
  assert.deepEqual(events, ['connection-lost /x']);
  assert.equal(watcher.state, 'connected', 'the client moved to another server');
});

test('a snapshot install fires the watches whose nodes it changed', () => {
  const cluster = new FakeCluster();
  const watcher = cluster.connectedClient('c1', { firstServerIndex: 2, sessionTimeoutMs: 5000 });
  const writer = cluster.connectedClient('c2', { firstServerIndex: 0, sessionTimeoutMs: 5000 });
  call(cluster, writer, requests.create('/a', ''));
  call(cluster, writer, requests.create('/b', ''));
  cluster.run(5);
  const events: string[] = [];
  const record = (event: WatchEvent): void => void events.push(describe(event));
  call(cluster, watcher, requests.getData('/a', 'sequential'), record);
  call(cluster, watcher, requests.getData('/b', 'sequential'), record);
  call(cluster, watcher, requests.exists('/c', 'sequential'), record);
  cluster.consensus.hold('n3');
  call(cluster, writer, requests.setData('/a', 'changed'));
  call(cluster, writer, requests.create('/c', ''));
  const snapshot = cluster.nodes.get('n1')?.service().snapshot();
  assert.ok(snapshot !== undefined);
  cluster.consensus.engines.get('n3')?.installSnapshot(snapshot);
  cluster.run(10);
  assert.deepEqual(events, ['data-changed /a', 'created /c']);
  assert.equal(cluster.nodes.get('n3')?.service().digest, cluster.nodes.get('n1')?.service().digest);
});
