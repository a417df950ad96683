import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeCluster } from '../service/fake-cluster.js';
import * as requests from './requests.js';
import type { Outcome } from './types.js';

const isRequest = (type: string) => (sent: { message: { type: string } }) => sent.message.type === type;

test('a call that gets no answer is info after its timeout, and is sent once only', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1', { firstServerIndex: 1, sessionTimeoutMs: 3000 });
  cluster.network.cut('n2', 'n1');
  const outcome = cluster.await((callback) => client.submit(requests.create('/x', ''), callback, { timeoutMs: 500 }));
  assert.deepEqual(outcome, { type: 'info', reason: 'timeout' });
  cluster.network.heal();
  cluster.run(5000);
  assert.equal(cluster.network.countSent(isRequest('client.request')), 1, 'the write was sent again');
  assert.equal(cluster.network.countSent(isRequest('service.forward')), 2, 'connect and write, forwarded once each');
  const exists = cluster.await((callback) => client.submit(requests.exists('/x'), callback));
  assert.deepEqual(exists, { type: 'ok', value: null }, 'the lost write took effect later');
});

test('a call never sent fails (not-connected); connect gives up with info', () => {
  const cluster = new FakeCluster();
  const client = cluster.client('c1', { connectTimeoutMs: 100 });
  for (const server of cluster.servers) cluster.network.cut('c1', server);
  assert.deepEqual(cluster.await((callback) => client.connect(callback, 350)), { type: 'info', reason: 'timeout' });
  assert.equal(client.state, 'idle');
  assert.deepEqual(cluster.await((callback) => client.submit(requests.getData('/'), callback)), { type: 'fail', reason: 'not-connected' });
  cluster.network.heal();
  const connected = cluster.await<{ sessionId: number }>((callback) => client.connect(callback));
  assert.equal(connected.type, 'ok');
  // Disconnected again: calls wait for a connection, and fail if none comes in time.
  for (const server of cluster.servers) cluster.network.cut(server, 'c1');
  cluster.run(4000);
  assert.equal(client.state, 'connecting');
  const before = cluster.network.countSent(isRequest('client.request'));
  assert.deepEqual(cluster.await((callback) => client.submit(requests.remove('/'), callback, { timeoutMs: 300 })), {
    type: 'fail',
    reason: 'not-connected',
  });
  assert.equal(cluster.network.countSent(isRequest('client.request')), before);
});

test('a server that restarted resets the connection: in-flight calls are info, the client moves on', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1', { firstServerIndex: 1, sessionTimeoutMs: 3000 });
  cluster.network.cut('n2', 'n1');
  const results: Outcome[] = [];
  client.submit(requests.create('/pending', ''), (outcome) => results.push(outcome), { timeoutMs: 5000 });
  cluster.run(10);
  cluster.stopNode('n2');
  cluster.startNode('n2');
  cluster.network.heal();
  client.submit(requests.getData('/', 'sequential'), (outcome) => results.push(outcome), { timeoutMs: 5000 });
  cluster.run(20);
  assert.deepEqual(results, [
    { type: 'info', reason: 'connection-lost' },
    { type: 'info', reason: 'connection-lost' },
  ]);
  cluster.run(500);
  assert.equal(client.state, 'connected');
  assert.equal(client.server, 'n3');
});

test('an expired session: sent calls are info, later calls fail, the state says so', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1', { firstServerIndex: 0, sessionTimeoutMs: 300 });
  cluster.network.isolate('c1', cluster.servers);
  cluster.run(600);
  cluster.network.heal();
  cluster.run(2000);
  assert.equal(client.state, 'expired');
  assert.deepEqual(cluster.await((callback) => client.submit(requests.getData('/'), callback)), {
    type: 'fail',
    reason: 'session-expired',
  });
  assert.deepEqual(cluster.await((callback) => client.connect(callback)), { type: 'fail', reason: 'session-expired' });
});

test('closing the session removes its ephemerals; the client is then closed', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1');
  const other = cluster.connectedClient('c2', { firstServerIndex: 2 });
  cluster.await((callback) => client.submit(requests.create('/e', '', { ephemeral: true }), callback));
  assert.deepEqual(cluster.await((callback) => client.close(callback)), { type: 'ok', value: null });
  assert.equal(client.state, 'closed');
  assert.deepEqual(cluster.await((callback) => other.submit(requests.exists('/e'), callback)), { type: 'ok', value: null });
  assert.deepEqual(cluster.await((callback) => client.submit(requests.exists('/e'), callback)), { type: 'fail', reason: 'not-connected' });
});

test('failures carry their ZooKeeper code; multi failures carry per-step results', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1');
  const multi = cluster.await((callback) =>
    client.submit(requests.multi([{ type: 'create', path: '/m', data: '' }, { type: 'delete', path: '/nothing', version: -1 }]), callback),
  );
  assert.deepEqual(multi, {
    type: 'fail',
    reason: 'NONODE',
    results: [
      { type: 'error', code: 'OK' },
      { type: 'error', code: 'NONODE' },
    ],
  });
  const badPath = cluster.await((callback) => client.submit(requests.create('no-slash', ''), callback));
  assert.deepEqual(badPath, { type: 'fail', reason: 'BADARGUMENTS' });
  assert.equal(cluster.consensus.log.length, 2, 'a malformed write was replicated');
});

test('the Promise form resolves with the same outcome', async () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1');
  const pending = client.call(requests.create('/p', 'v'));
  cluster.run(20);
  const outcome = await pending;
  assert.equal(outcome.type, 'ok');
});
