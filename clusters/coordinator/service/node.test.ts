import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCoordinatorNode } from '../node.js';
import { FakeCluster } from './fake-cluster.js';
import { FakeConsensus, FakeEngine } from './fake-engine.js';
import * as requests from '../client/requests.js';
import type { EngineOptions } from '../engine.js';
import type { Message } from '../world.js';

test('a node routes engine messages to the engine and client messages to the server', () => {
  const cluster = new FakeCluster({ servers: ['n1'] });
  const received: string[] = [];
  let options: EngineOptions | undefined;
  const node = createCoordinatorNode({
    world: cluster.world('n9'),
    engineKind: 'zab',
    members: ['n9'],
    bugs: ['follower-local-read'],
    timing: { leaseMs: 123 },
    createEngine: (kind, engineOptions) => {
      assert.equal(kind, 'zab');
      options = engineOptions;
      const engine = new FakeEngine(new FakeConsensus(cluster.simulation, 'n9'), engineOptions);
      const receive = engine.receive.bind(engine);
      engine.receive = (from: string, message: Message) => {
        received.push(`${from} ${message.type}`);
        receive(from, message);
      };
      return engine;
    },
  });
  assert.equal(options?.leaseMs, 123);
  assert.ok(options?.bugs.has('follower-local-read'));
  node.receive('n2', { type: 'zab.ping' });
  node.receive('n2', { type: 'raft.append' });
  node.receive('c1', { type: 'client.request', connectionId: 4, seq: 3 });
  assert.deepEqual(received, ['n2 zab.ping', 'n2 raft.append']);
  cluster.run(5);
  const reset = cluster.network.sent.find((sent) => sent.from === 'n9');
  assert.deepEqual(reset?.message, { type: 'server.reset', connectionId: 4 });
  node.stop();
  assert.equal(node.status().role, 'stopped');
  node.receive('n2', { type: 'zab.ping' });
  assert.equal(received.length, 2, 'a stopped node still handled messages');
});

test('a restarted node rebuilds its state from what the engine replays at start', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1');
  for (let i = 0; i < 5; i++) cluster.await((callback) => client.submit(requests.create(`/n${i}`, String(i)), callback));
  cluster.run(10);
  const before = cluster.nodes.get('n1')?.service().digest;
  cluster.stopNode('n3');
  const restarted = cluster.startNode('n3');
  assert.equal(restarted.service().digest, before);
  assert.equal(restarted.service().liveSessions.length, 1);
  assert.equal(restarted.connectionCount(), 0);
});
