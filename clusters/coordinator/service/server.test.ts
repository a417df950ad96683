import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeCluster } from './fake-cluster.js';
import * as requests from '../client/requests.js';
import type { CoordinatorClient } from '../client/client.js';
import type { Outcome } from '../client/types.js';
import type { ClientRequest } from './protocol.js';
import type { GetDataValue, ReadMode } from './types.js';

function call(cluster: FakeCluster, client: CoordinatorClient, request: ClientRequest, timeoutMs?: number): Outcome {
  return cluster.await((callback) => client.submit(request, callback, timeoutMs === undefined ? {} : { timeoutMs }));
}

function readData(cluster: FakeCluster, client: CoordinatorClient, path: string, mode: ReadMode): Outcome {
  const outcome = call(cluster, client, requests.getData(path, mode));
  return outcome.type === 'ok' ? { type: 'ok', value: (outcome.value as GetDataValue).data } : outcome;
}

function okValue(outcome: Outcome): unknown {
  assert.equal(outcome.type, 'ok', JSON.stringify(outcome));
  return (outcome as { value: unknown }).value;
}

test('writes through a follower are forwarded, applied once, and readable there at once', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1', { firstServerIndex: 1 });
  assert.equal(client.server, 'n2');
  assert.deepEqual(okValue(call(cluster, client, requests.create('/a', 'one'))), {
    path: '/a',
    stat: { czxid: 2, mzxid: 2, pzxid: 2, version: 0, cversion: 0, ephemeralOwner: 0, dataLength: 3, numChildren: 0 },
  });
  assert.equal(cluster.network.countSent((sent) => sent.message.type === 'service.forward'), 2, 'session and create forwarded');
  // Read-your-writes on the same follower without any barrier.
  assert.deepEqual(readData(cluster, client, '/a', 'sequential'), { type: 'ok', value: 'one' });
  cluster.run(10);
  const digests = [...cluster.nodes.values()].map((node) => node.service().digest);
  assert.equal(new Set(digests).size, 1, 'replicas diverged');
});

test('duplicated messages never apply a write twice', () => {
  const cluster = new FakeCluster();
  cluster.network.duplicate = true;
  const client = cluster.connectedClient('c1', { firstServerIndex: 2 });
  okValue(call(cluster, client, requests.create('/q', '')));
  for (let i = 0; i < 5; i++) okValue(call(cluster, client, requests.create('/q/item-', '', { sequential: true })));
  cluster.run(20);
  const children = okValue(call(cluster, client, requests.getChildren('/q'))) as { children: string[] };
  assert.deepEqual(children.children, [0, 1, 2, 3, 4].map((n) => `item-000000000${n}`));
  assert.ok(cluster.consensus.log.length > 7, 'duplicates did reach the log');
  assert.equal(cluster.nodes.get('n1')?.service().liveSessions.length, 1, 'a duplicated connect made a second session');
});

test('linearizable reads on a lagging follower wait for the read index; sequential ones may be stale', () => {
  const cluster = new FakeCluster();
  const writer = cluster.connectedClient('c1', { firstServerIndex: 0 });
  const reader = cluster.connectedClient('c2', { firstServerIndex: 2 });
  okValue(call(cluster, writer, requests.create('/r', 'old')));
  cluster.run(5);
  cluster.consensus.hold('n3');
  okValue(call(cluster, writer, requests.setData('/r', 'new')));
  assert.deepEqual(readData(cluster, reader, '/r', 'sequential'), { type: 'ok', value: 'old' });
  let outcome: Outcome | undefined;
  reader.submit(requests.getData('/r', 'linearizable'), (result) => (outcome = result));
  cluster.run(50);
  assert.equal(outcome, undefined, 'a linearizable read answered from a stale replica');
  cluster.consensus.release('n3');
  cluster.run(10);
  assert.equal((okValue(outcome as unknown as Outcome) as GetDataValue).data, 'new');
});

test('bug follower-local-read: a follower answers linearizable reads from stale state', () => {
  const cluster = new FakeCluster({ bugs: ['follower-local-read'] });
  const writer = cluster.connectedClient('c1', { firstServerIndex: 0 });
  const reader = cluster.connectedClient('c2', { firstServerIndex: 2 });
  okValue(call(cluster, writer, requests.create('/r', 'old')));
  cluster.run(5);
  cluster.consensus.hold('n3');
  okValue(call(cluster, writer, requests.setData('/r', 'new')));
  assert.deepEqual(readData(cluster, reader, '/r', 'linearizable'), { type: 'ok', value: 'old' });
  const onLeader = cluster.connectedClient('c3', { firstServerIndex: 0 });
  assert.deepEqual(readData(cluster, onLeader, '/r', 'linearizable'), { type: 'ok', value: 'new' });
});

test('lease reads: leader only, and only while the lease holds', () => {
  const cluster = new FakeCluster();
  const onLeader = cluster.connectedClient('c1', { firstServerIndex: 0 });
  const onFollower = cluster.connectedClient('c2', { firstServerIndex: 1 });
  okValue(call(cluster, onLeader, requests.create('/l', 'v')));
  assert.deepEqual(readData(cluster, onLeader, '/l', 'lease'), { type: 'ok', value: 'v' });
  assert.deepEqual(call(cluster, onFollower, requests.getData('/l', 'lease')), { type: 'fail', reason: 'not-leader', leaderHint: 'n1' });
  cluster.consensus.leaseValid = false;
  assert.deepEqual(call(cluster, onLeader, requests.getData('/l', 'lease')), { type: 'fail', reason: 'lease-expired' });
});

test('no leader: writes and linearizable reads fail definitely, sequential reads still work', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1', { firstServerIndex: 1 });
  okValue(call(cluster, client, requests.create('/x', '1')));
  cluster.run(5);
  cluster.consensus.leader = null;
  assert.deepEqual(call(cluster, client, requests.setData('/x', '2')), { type: 'fail', reason: 'no-leader', leaderHint: null });
  assert.equal((call(cluster, client, requests.getData('/x')) as { reason: string }).reason, 'no-leader');
  assert.deepEqual(readData(cluster, client, '/x', 'sequential'), { type: 'ok', value: '1' });
  assert.equal(cluster.consensus.log.length, 2, 'a refused write reached the log');
});

test('a failed barrier fails the read; sync catches a follower up', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1', { firstServerIndex: 2 });
  cluster.consensus.barrierFails = true;
  assert.equal((call(cluster, client, requests.getData('/')) as { reason: string }).reason, 'barrier-failed');
  cluster.consensus.barrierFails = false;
  const writer = cluster.connectedClient('c2', { firstServerIndex: 0 });
  cluster.consensus.hold('n3');
  okValue(call(cluster, writer, requests.create('/s', '')));
  let synced: Outcome | undefined;
  client.submit(requests.sync(), (outcome) => (synced = outcome));
  cluster.run(30);
  assert.equal(synced, undefined);
  cluster.consensus.release('n3');
  cluster.run(5);
  assert.deepEqual(okValue(synced as unknown as Outcome), { zxid: 3 });
  assert.equal((okValue(call(cluster, client, requests.exists('/s', 'sequential'))) as { czxid: number }).czxid, 3);
});

test('a write forwarded to a leader that never proposes it gets no answer: info, not fail', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1', { firstServerIndex: 1 });
  cluster.network.cut('n2', 'n1');
  assert.deepEqual(call(cluster, client, requests.create('/lost', ''), 300), { type: 'info', reason: 'timeout' });
  // The next request on the connection is served once the server gives up on the lost one.
  cluster.network.heal();
  okValue(call(cluster, client, requests.create('/next', '')));
});

test('when its leader goes, a follower resets the connections with a request in flight: unknown at once; idle ones stay', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1', { firstServerIndex: 1 });
  const idle = cluster.connectedClient('c2', { firstServerIndex: 1 });
  cluster.network.cut('n2', 'n1');
  let outcome: Outcome | undefined;
  client.submit(requests.create('/lost', ''), (result) => (outcome = result), { timeoutMs: 5000 });
  cluster.run(200);
  assert.equal(outcome, undefined, 'the forwarded write was answered while its leader lived');
  cluster.consensus.leader = 'n3';
  cluster.run(100);
  assert.deepEqual(outcome, { type: 'info', reason: 'connection-lost' });
  assert.equal(idle.server, 'n2', 'an idle connection was reset too');
  assert.equal(idle.state, 'connected');
  // The reset client comes back with its session, through a server that knows the new leader.
  cluster.network.heal();
  okValue(call(cluster, client, requests.create('/next', '')));
});

test('sessions expire on the leader clock when heartbeats stop, and their ephemerals go', () => {
  const cluster = new FakeCluster();
  const owner = cluster.connectedClient('c1', { firstServerIndex: 1, sessionTimeoutMs: 300 });
  const observer = cluster.connectedClient('c2', { firstServerIndex: 0, sessionTimeoutMs: 3000 });
  okValue(call(cluster, owner, requests.create('/e', '', { ephemeral: true })));
  cluster.run(1000);
  assert.notEqual(okValue(call(cluster, observer, requests.exists('/e'))), null, 'heartbeats did not keep the session');
  cluster.network.isolate('c1', cluster.servers);
  cluster.run(200);
  assert.notEqual(okValue(call(cluster, observer, requests.exists('/e'))), null, 'expired too early');
  cluster.run(400);
  assert.equal(okValue(call(cluster, observer, requests.exists('/e'))), null);
  assert.equal(cluster.consensus.log.filter((entry) => entry.command.kind === 'expire-session').length, 1);
});

test('a leader clock running ahead expires sessions early', () => {
  const cluster = new FakeCluster();
  const owner = cluster.connectedClient('c1', { firstServerIndex: 1, sessionTimeoutMs: 1000 });
  okValue(call(cluster, owner, requests.create('/e', '', { ephemeral: true })));
  cluster.network.isolate('c1', cluster.servers);
  cluster.run(100);
  // Session ages are on the monotonic clock: the leader's clock running ten times fast ages the
  // session by a whole timeout in 150 ms of true time, and it concludes the session is dead.
  cluster.simulation.setClockRate('n1', 10);
  cluster.run(150);
  assert.equal(cluster.nodes.get('n1')?.service().liveSessions.length, 0);
});

test('reconnecting with a session waits until the server has what the client saw', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1', { firstServerIndex: 0, sessionTimeoutMs: 1500, connectTimeoutMs: 2000 });
  okValue(call(cluster, client, requests.create('/seen', '')));
  cluster.consensus.hold('n2');
  okValue(call(cluster, client, requests.setData('/seen', 'later')));
  cluster.stopNode('n1');
  cluster.consensus.leader = 'n3';
  const during: string[] = [];
  // The client notices the silence after its read timeout (1000 ms), then tries n2, which lags.
  cluster.run(1200);
  during.push(client.state, String(client.server));
  cluster.consensus.release('n2');
  cluster.run(3000);
  assert.equal(client.state, 'connected');
  assert.deepEqual(readData(cluster, client, '/seen', 'sequential'), { type: 'ok', value: 'later' });
  assert.deepEqual(during, ['connecting', 'n2']);
});

test('bug unreplicated-sequence: servers hand out clashing sequence numbers', () => {
  const run = (bugs: string[]): string[] => {
    const cluster = new FakeCluster({ bugs });
    const clients = [0, 1, 2].map((index) => cluster.connectedClient(`c${index}`, { firstServerIndex: index }));
    okValue(call(cluster, clients[0] as CoordinatorClient, requests.create('/seq', '')));
    cluster.run(5);
    const outcomes: string[] = [];
    for (let round = 0; round < 3; round++) {
      for (const client of clients) {
        const outcome = call(cluster, client, requests.create('/seq/n-', '', { sequential: true }));
        outcomes.push(outcome.type === 'ok' ? (outcome.value as { path: string }).path.slice(-3) : outcome.type === 'fail' ? outcome.reason : 'info');
      }
    }
    return outcomes;
  };
  assert.deepEqual(run([]), ['000', '001', '002', '003', '004', '005', '006', '007', '008']);
  const buggy = run(['unreplicated-sequence']);
  assert.ok(buggy.includes('NODEEXISTS'), `no clash: ${buggy.join(' ')}`);
});

test('bug unreplicated-sequence: an id can go backwards in real time', () => {
  const cluster = new FakeCluster({ bugs: ['unreplicated-sequence'], leader: 'n3' });
  const [onFirst, alsoOnFirst, onSecond] = [0, 0, 1].map((index, n) => cluster.connectedClient(`c${n}`, { firstServerIndex: index }));
  const next = (client: CoordinatorClient, timeoutMs?: number): Outcome =>
    call(cluster, client, requests.create('/seq/n-', '', { sequential: true }), timeoutMs);
  const id = (outcome: Outcome): string => (okValue(outcome) as { path: string }).path.slice(-1);
  okValue(call(cluster, onFirst as CoordinatorClient, requests.create('/seq', '')));
  assert.equal(id(next(onSecond as CoordinatorClient)), '0');
  // n1 names its first create 1, but the forward is lost; it names the next one 2, which commits.
  cluster.network.cut('n1', 'n3');
  assert.equal(next(onFirst as CoordinatorClient, 200).type, 'info');
  cluster.network.heal();
  assert.equal(id(next(alsoOnFirst as CoordinatorClient)), '2');
  // n2's own counter says 1, which is free: a create that starts after id 2 completed gets id 1.
  assert.equal(id(next(onSecond as CoordinatorClient)), '1');
});

test('requests on one connection are served in order', () => {
  const cluster = new FakeCluster();
  const client = cluster.connectedClient('c1', { firstServerIndex: 1 });
  const results: Outcome[] = [];
  client.submit(requests.create('/o', 'a'), (outcome) => results.push(outcome));
  client.submit(requests.setData('/o', 'b', 0), (outcome) => results.push(outcome));
  client.submit(requests.getData('/o', 'sequential'), (outcome) => results.push(outcome));
  cluster.run(100);
  assert.deepEqual(results.map((outcome) => outcome.type), ['ok', 'ok', 'ok']);
  assert.equal((results[2] as { value: GetDataValue }).value.data, 'b');
});
