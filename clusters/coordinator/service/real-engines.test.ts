/** The service over the real ZAB and Raft engines, on the fake network and virtual time. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeCluster } from './fake-cluster.js';
import * as requests from '../client/requests.js';
import { RegisterRecipe, SequenceRecipe } from '../client/recipes.js';
import type { Outcome } from '../client/types.js';

function bootedCluster(engine: 'raft' | 'zab'): FakeCluster {
  const cluster = new FakeCluster({ engine });
  cluster.time.run(10_000, () => cluster.leader() !== null);
  assert.ok(cluster.leader() !== null, `${engine}: no leader`);
  cluster.run(200);
  return cluster;
}

for (const engine of ['raft', 'zab'] as const) {
  test(`${engine}: clients on every server share one register and one sequence`, () => {
    const cluster = bootedCluster(engine);
    const clients = [0, 1, 2].map((index) => cluster.connectedClient(`c${index}`, { firstServerIndex: index }));
    const registers = clients.map((client) => new RegisterRecipe(client));
    const sequences = clients.map((client) => new SequenceRecipe(client));
    for (const [index, register] of registers.entries()) {
      assert.deepEqual(cluster.await((callback) => register.write('k', index, callback)), { type: 'ok', value: index });
      for (const reader of registers) {
        assert.deepEqual(cluster.await((callback) => reader.read('k', callback)), { type: 'ok', value: index });
      }
    }
    const ids: number[] = [];
    for (const sequence of [...sequences, ...sequences]) {
      const outcome = cluster.await<number>((callback) => sequence.next('s', callback));
      ids.push(outcome.type === 'ok' ? outcome.value : -1);
    }
    assert.deepEqual(ids, [0, 1, 2, 3, 4, 5]);
    cluster.run(500);
    const digests = new Set([...cluster.nodes.values()].map((node) => node.service().digest));
    assert.equal(digests.size, 1, `${engine}: replicas diverged`);
  });

  test(`${engine}: the leader dies; writes resume on the new one; ephemerals of dead sessions go`, () => {
    const cluster = bootedCluster(engine);
    const oldLeader = cluster.leader() as string;
    const survivors = cluster.servers.filter((server) => server !== oldLeader);
    const index = (server: string): number => cluster.servers.indexOf(server);
    const client = cluster.connectedClient('c1', { firstServerIndex: index(survivors[0] as string), sessionTimeoutMs: 4000 });
    const doomed = cluster.connectedClient('c2', { firstServerIndex: index(survivors[1] as string), sessionTimeoutMs: 1000 });
    assert.equal(cluster.await((callback) => doomed.submit(requests.create('/e', '', { ephemeral: true }), callback)).type, 'ok');
    cluster.stopNode(oldLeader);
    cluster.network.isolate('c2', cluster.servers);
    cluster.time.run(cluster.time.nowMs + 10_000, () => cluster.leader() !== null);
    assert.ok(cluster.leader() !== null && cluster.leader() !== oldLeader);
    let outcome: Outcome = { type: 'info', reason: 'timeout' };
    for (let attempt = 0; attempt < 10 && outcome.type !== 'ok'; attempt++) {
      outcome = cluster.await((callback) => client.submit(requests.create(`/after-${attempt}`, ''), callback));
    }
    assert.equal(outcome.type, 'ok', JSON.stringify(outcome));
    cluster.run(3000);
    assert.deepEqual(cluster.await((callback) => client.submit(requests.exists('/e'), callback)), { type: 'ok', value: null });
    cluster.startNode(oldLeader);
    cluster.run(2000);
    const digests = new Set([...cluster.nodes.values()].map((node) => node.service().digest));
    assert.equal(digests.size, 1, `${engine}: the restarted node did not converge`);
  });
}

test('an engine that commits inside propose (one member) serves pipelined writes in order', () => {
  for (const engine of ['raft', 'zab'] as const) {
    const cluster = new FakeCluster({ engine, servers: ['n1'] });
    cluster.time.run(10_000, () => cluster.leader() !== null);
    const client = cluster.connectedClient('c1');
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) {
      client.submit(requests.create(`/x${i}`, ''), (outcome) => outcomes.push(outcome.type === 'ok' ? (outcome.value as { path: string }).path : outcome.type));
    }
    client.submit(requests.getChildren('/', 'linearizable'), (outcome) =>
      outcomes.push(outcome.type === 'ok' ? (outcome.value as { children: string[] }).children.join(',') : outcome.type),
    );
    cluster.run(100);
    assert.deepEqual(outcomes, ['/x0', '/x1', '/x2', '/x3', '/x4', 'x0,x1,x2,x3,x4'], engine);
  }
});
