/**
 * Real ZooKeeper on the local runtime (three JVMs in network namespaces):
 * boot, health, roles, versions, every workload vocabulary through the
 * workload client, sync, final registers, and a teardown that leaves nothing.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { bootRuntime, type RealCluster } from '../../harness/runtimes/real/index.js';
import { PROJECT_DIRECTORY, resourcesOfRun } from '../../harness/runtimes/real/test-support.js';
import type { OperationOutcome, OperationRequest, WorkloadClient } from '../../workloads/index.js';
import { runRealWorkload } from '../testing/real-workload-run.js';
import { RealZooKeeper, ZooKeeperSession } from './index.js';

const unavailable = process.getuid?.() !== 0 ? 'needs root' : !existsSync('/usr/share/java/zookeeper.jar') ? 'needs Debian zookeeper (bash scripts/setup.sh)' : false;
const runId = `test-zk-${process.pid}`;
const workDirectory = path.join(PROJECT_DIRECTORY, '.test-output', 'zookeeper', runId);

let cluster: RealCluster | undefined;
let zookeeper: RealZooKeeper;

function call(client: WorkloadClient, request: OperationRequest): Promise<OperationOutcome> {
  return new Promise((resolve) => client.invoke(request, resolve));
}

function okValue(outcome: OperationOutcome): unknown {
  assert.equal(outcome.type, 'ok', JSON.stringify(outcome));
  return (outcome as { value: unknown }).value;
}

before(async () => {
  if (unavailable !== false) return;
  rmSync(workDirectory, { recursive: true, force: true });
  const started = performance.now();
  cluster = await bootRuntime('local', { runId, nodes: ['n1', 'n2', 'n3'], workDirectory });
  zookeeper = new RealZooKeeper(cluster);
  await zookeeper.start();
  const health = await zookeeper.awaitHealthy(30_000, () => performance.now());
  process.stdout.write(`# zookeeper: 3 nodes healthy (leader ${health.leader}, epoch ${health.epoch}) ${Math.round(performance.now() - started)} ms after boot began\n`);
});

after(async () => {
  if (cluster === undefined) return;
  zookeeper.close();
  await cluster.teardown();
  assert.deepEqual(await resourcesOfRun(runId), []);
  rmSync(workDirectory, { recursive: true, force: true });
});

test('zookeeper: exactly one leader, the others follow in its epoch; versions come from the running nodes', { skip: unavailable }, async () => {
  const samples = await zookeeper.sampleRoles(() => 0);
  assert.equal(samples.length, 3);
  assert.deepEqual(samples.map((sample) => sample.role).sort(), ['follower', 'follower', 'leader']);
  assert.equal(new Set(samples.map((sample) => sample.epoch)).size, 1);
  assert.ok((samples[0]?.epoch ?? 0) >= 1);
  assert.equal(zookeeper.leader(), samples.find((sample) => sample.role === 'leader')?.node);
  const versions = await zookeeper.versions();
  process.stdout.write(`# zookeeper versions: ${JSON.stringify(versions)}\n`);
  assert.match(versions.zookeeper, /^3\.\d+\.\d+/);
  assert.match(versions.java, /^\d+(\.\d+)*/);
});

test('zookeeper: sync is answered and the session stays connected', { skip: unavailable }, async () => {
  const session = new ZooKeeperSession({ servers: [`${cluster?.nodes[0]?.address}:2181`], sessionTimeoutMs: 6_000, callTimeoutMs: 3_000, nodeOfHost: () => 'n1' });
  try {
    assert.ok(await session.awaitConnected(5_000));
    for (let round = 0; round < 3; round += 1) assert.deepEqual(await session.sync('/'), { type: 'ok', value: null });
    assert.equal(session.state, 'connected');
  } finally {
    session.close();
  }
});

test('zookeeper: a new session carries the zxid its predecessor saw, and servers behind it refuse the session', { skip: unavailable }, async () => {
  const servers = (cluster as RealCluster).nodes.map((node) => `${node.address}:2181`);
  const open = (lastZxidSeen?: Buffer): ZooKeeperSession =>
    new ZooKeeperSession({ servers, sessionTimeoutMs: 6_000, callTimeoutMs: 3_000, nodeOfHost: () => undefined, ...(lastZxidSeen === undefined ? {} : { lastZxidSeen }) });
  const first = open();
  const sessions = [first];
  try {
    assert.ok(await first.awaitConnected(5_000));
    assert.equal((await first.call((callback) => first.client.setData('/', Buffer.from('x'), -1, callback))).type, 'ok');
    const seen = first.lastZxidSeen.readBigInt64BE(0);
    assert.ok(seen > 0n);
    const second = open(first.lastZxidSeen);
    sessions.push(second);
    assert.ok(await second.awaitConnected(5_000), 'a server at or past the zxid takes the session');
    const future = Buffer.alloc(8);
    future.writeBigInt64BE(seen + (1n << 40n));
    const third = open(future);
    sessions.push(third);
    assert.equal(await third.awaitConnected(2_000), false, 'every server is behind a zxid from the future');
  } finally {
    for (const session of sessions) session.close();
  }
});

test('zookeeper: registers read, write and compare-and-set, in both read modes', { skip: unavailable }, async () => {
  const client = zookeeper.workloadClient();
  const local = new RealZooKeeper(cluster as RealCluster, { readMode: 'local' }).workloadClient();
  try {
    assert.equal(okValue(await call(client, { f: 'read', key: 'r1', value: null })), null);
    assert.equal(okValue(await call(client, { f: 'write', key: 'r1', value: 3 })), 3);
    assert.equal(okValue(await call(client, { f: 'read', key: 'r1', value: null })), 3);
    assert.deepEqual(await call(client, { f: 'cas', key: 'r1', value: [2, 5] }), { type: 'fail', error: 'compare-failed' });
    assert.deepEqual(await call(client, { f: 'cas', key: 'missing', value: [0, 1] }), { type: 'fail', error: 'compare-failed' });
    const swapped = await call(client, { f: 'cas', key: 'r1', value: [3, 5] });
    assert.deepEqual(okValue(swapped), [3, 5]);
    assert.ok(['n1', 'n2', 'n3'].includes((swapped as { node?: string }).node ?? ''), 'an ok names its server');
    assert.equal(okValue(await call(client, { f: 'read', key: 'r1', value: null })), 5);
    // A local read may lag, but this session's own writes come first: write through it, then read.
    assert.equal(okValue(await call(local, { f: 'write', key: 'r2', value: 7 })), 7);
    assert.equal(okValue(await call(local, { f: 'read', key: 'r2', value: null })), 7);
  } finally {
    client.close();
    local.close();
  }
  const finals = await zookeeper.finalRegisters(['r1', 'r2', 'never']);
  assert.deepEqual(Object.keys(finals).sort(), ['n1', 'n2', 'n3']);
  for (const state of Object.values(finals)) assert.deepEqual(state, { r1: 5, r2: 7, never: null });
});

test('zookeeper: sequences hand out distinct increasing ids', { skip: unavailable }, async () => {
  const clients = [zookeeper.workloadClient(), zookeeper.workloadClient()];
  try {
    const ids: number[] = [];
    for (let round = 0; round < 5; round += 1) {
      for (const client of clients) ids.push(okValue(await call(client, { f: 'next', key: 's1', value: null })) as number);
    }
    assert.deepEqual(ids, [...ids].sort((left, right) => left - right));
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(ids, Array.from({ length: 10 }, (_, index) => (ids[0] as number) + index), 'no gaps');
  } finally {
    for (const client of clients) client.close();
  }
});

test('zookeeper: a lock is held by one client at a time, with growing fencing tokens', { skip: unavailable }, async () => {
  const [first, second] = [zookeeper.workloadClient({ acquireTimeoutMs: 5_000 }), zookeeper.workloadClient({ acquireTimeoutMs: 5_000 })];
  try {
    const held = okValue(await call(first, { f: 'acquire', key: 'l1', value: null })) as { path: string; token: number };
    assert.equal(typeof held.token, 'number');
    assert.deepEqual(await call(first, { f: 'enter', key: 'l1', value: null }), { type: 'ok', value: null });
    let secondDone = false;
    const waiting = call(second, { f: 'acquire', key: 'l1', value: null }).then((outcome) => ((secondDone = true), outcome));
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(secondDone, false, 'the second acquire waits while the first holds the lock');
    assert.deepEqual(okValue(await call(first, { f: 'write-resource', key: 'l1', value: { token: held.token } })), { token: held.token });
    assert.deepEqual(await call(first, { f: 'exit', key: 'l1', value: null }), { type: 'ok', value: null });
    okValue(await call(first, { f: 'release', key: 'l1', value: null }));
    const next = okValue(await waiting) as { token: number };
    assert.ok(next.token > held.token, `token ${next.token} after ${held.token}`);
    okValue(await call(second, { f: 'write-resource', key: 'l1', value: { token: next.token } }));
    assert.deepEqual(await call(first, { f: 'write-resource', key: 'l1', value: { token: held.token } }), { type: 'fail', error: 'stale-token' });
    assert.deepEqual(await call(first, { f: 'release', key: 'l1', value: null }), { type: 'fail', error: 'not-held' });
    okValue(await call(second, { f: 'release', key: 'l1', value: null }));
  } finally {
    first.close();
    second.close();
  }
});

test('zookeeper: a paused server ends calls info at their deadline, the holder of a lock learns it is in doubt, and a new session works after resume', { skip: unavailable }, async () => {
  const samples = await zookeeper.sampleRoles(() => 0);
  const follower = samples.find((sample) => sample.role === 'follower')?.node as string;
  const pinned = new RealZooKeeper(cluster as RealCluster, { callTimeoutMs: 1_000, sessionTimeoutMs: 4_000 });
  const client = pinned.workloadClient({ servers: [follower] });
  const holder = pinned.workloadClient({ servers: [follower] });
  const faults = (cluster as RealCluster).faultControl();
  let woken = 0;
  holder.onWake?.(() => (woken += 1));
  try {
    okValue(await call(client, { f: 'write', key: 'p1', value: 1 }));
    okValue(await call(holder, { f: 'acquire', key: 'p-lock', value: null }));
    faults.pause(follower);
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    const started = performance.now();
    assert.deepEqual(await call(client, { f: 'write', key: 'p1', value: 2 }), { type: 'info', error: 'timeout' });
    assert.ok(performance.now() - started < 1_500, 'ended at the call deadline');
    // The abandoned session is replaced; the new one cannot connect to a paused server, so nothing is sent.
    assert.deepEqual(await call(client, { f: 'read', key: 'p1', value: null }), { type: 'fail', error: 'not-connected' });
    // The client library notices the silent server after two thirds of the session timeout.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    assert.equal(holder.urgent?.(), true);
    assert.ok(woken >= 1, 'the holder was woken');
    assert.deepEqual(await call(holder, { f: 'enter', key: 'p-lock', value: null }), { type: 'fail', error: 'lock-in-doubt' });
    faults.resume(follower);
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    const read = await call(client, { f: 'read', key: 'p1', value: null });
    assert.ok(read.type === 'ok' && (read.value === 1 || read.value === 2), JSON.stringify(read));
  } finally {
    faults.heal();
    await faults.settled();
    client.close();
    holder.close();
    pinned.close();
  }
});

test('zookeeper: the register, sequence, lock and lock-fencing workloads run to their end, and every checker passes', { skip: unavailable }, async () => {
  const budgets = { register: 60, sequence: 40, lock: 8, 'lock-fencing': 8 } as const;
  const roles = await zookeeper.sampleRoles(() => 0);
  for (const [workload, operationsPerKey] of Object.entries(budgets) as [keyof typeof budgets, number][]) {
    const run = await runRealWorkload({
      workload,
      operationsPerKey,
      keys: 2,
      concurrency: 6,
      openClient: () => zookeeper.workloadClient(),
      timeLimitMs: 20_000,
      roles,
      ...(workload === 'register' ? { finalStates: (keys: string[]) => zookeeper.finalRegisters(keys) } : {}),
    });
    process.stdout.write(`# zookeeper ${workload}: ${run.operations} operations in ${Math.round(run.elapsedMs)} ms, served by ${[...run.servers].sort().join(', ')}\n`);
    for (const [checker, judgement] of Object.entries(run.verdicts)) assert.equal(judgement.valid, true, `${workload}, ${checker}: ${judgement.sentence}`);
    assert.ok(run.servers.size > 1, 'served by several servers');
  }
});

test('zookeeper: a killed server is unreachable to the role sampler and left out of final reads; restarted, it rejoins', { skip: unavailable }, async () => {
  const samples = await zookeeper.sampleRoles(() => 0);
  const follower = samples.find((sample) => sample.role === 'follower')?.node as string;
  const faults = (cluster as RealCluster).faultControl();
  try {
    faults.kill(follower);
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    const after = await zookeeper.sampleRoles(() => 1);
    assert.equal(after.find((sample) => sample.node === follower)?.role, 'unreachable');
    assert.equal(after.filter((sample) => sample.role === 'leader').length, 1);
    assert.deepEqual(Object.keys(await zookeeper.finalRegisters(['r1'], 2_000)).sort(), zookeeper.nodes.filter((node) => node !== follower));
    const started = performance.now();
    faults.restart(follower);
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    await zookeeper.awaitHealthy(20_000, () => performance.now());
    process.stdout.write(`# zookeeper: restarted ${follower} rejoined in ${Math.round(performance.now() - started)} ms\n`);
  } finally {
    faults.heal();
    await faults.settled();
  }
});

test('zookeeper: a follower cut off from the others still answers local reads with what it had, while a sync read there ends info', { skip: unavailable }, async () => {
  const samples = await zookeeper.sampleRoles(() => 0);
  const isolated = samples.find((sample) => sample.role === 'follower')?.node as string;
  const others = zookeeper.nodes.filter((node) => node !== isolated);
  const writer = new RealZooKeeper(cluster as RealCluster, { callTimeoutMs: 3_000 }).workloadClient({ servers: others });
  const local = new RealZooKeeper(cluster as RealCluster, { readMode: 'local', callTimeoutMs: 1_000 }).workloadClient({ servers: [isolated] });
  const synced = new RealZooKeeper(cluster as RealCluster, { readMode: 'sync', callTimeoutMs: 1_000 }).workloadClient({ servers: [isolated] });
  const faults = (cluster as RealCluster).faultControl();
  try {
    okValue(await call(writer, { f: 'write', key: 'stale', value: 1 }));
    assert.equal(okValue(await call(synced, { f: 'read', key: 'stale', value: null })), 1);
    assert.equal(okValue(await call(local, { f: 'read', key: 'stale', value: null })), 1);
    faults.partition([[isolated], others]);
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    okValue(await call(writer, { f: 'write', key: 'stale', value: 2 }));
    // Until it gives up on its leader (syncLimit ticks), the cut-off follower serves what it has.
    assert.deepEqual(await call(local, { f: 'read', key: 'stale', value: null }), { type: 'ok', value: 1, node: isolated });
    assert.deepEqual(await call(synced, { f: 'read', key: 'stale', value: null }), { type: 'info', error: 'timeout' });
  } finally {
    faults.heal();
    await faults.settled();
    for (const client of [writer, local, synced]) client.close();
  }
  await zookeeper.awaitHealthy(30_000, () => performance.now());
});

test('zookeeper: a holder whose session expires while its server is paused learns its lock is lost, another client gets the lock, and the next operation opens a new session', { skip: unavailable }, async () => {
  const samples = await zookeeper.sampleRoles(() => 0);
  const follower = samples.find((sample) => sample.role === 'follower')?.node as string;
  const others = zookeeper.nodes.filter((node) => node !== follower);
  const system = new RealZooKeeper(cluster as RealCluster, { sessionTimeoutMs: 4_000, callTimeoutMs: 1_000 });
  const holder = system.workloadClient({ servers: [follower] });
  const rival = system.workloadClient({ servers: others, acquireTimeoutMs: 15_000 });
  const faults = (cluster as RealCluster).faultControl();
  try {
    const held = okValue(await call(holder, { f: 'acquire', key: 'x-lock', value: null })) as { token: number };
    const rivalAcquire = call(rival, { f: 'acquire', key: 'x-lock', value: null });
    faults.pause(follower);
    await faults.settled();
    // The leader expires the unreachable session after its 4 s, and the rival's turn comes.
    const taken = okValue(await rivalAcquire) as { token: number };
    assert.ok(taken.token > held.token);
    faults.resume(follower);
    await faults.settled();
    // Cut off, the lock is in doubt; back in touch, the holder's session is told it expired.
    const entered = await call(holder, { f: 'enter', key: 'x-lock', value: null });
    assert.ok(entered.type === 'fail', JSON.stringify(entered));
    const deadline = performance.now() + 10_000;
    const lost = async (): Promise<boolean> => JSON.stringify(await call(holder, { f: 'enter', key: 'x-lock', value: null })) === JSON.stringify({ type: 'fail', error: 'lock-lost' });
    while (performance.now() < deadline && !(await lost())) await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(await call(holder, { f: 'enter', key: 'x-lock', value: null }), { type: 'fail', error: 'lock-lost' });
    assert.equal(holder.urgent?.(), true);
    assert.deepEqual(await call(holder, { f: 'release', key: 'x-lock', value: null }), { type: 'info', error: 'lock-lost' });
    okValue(await call(holder, { f: 'write', key: 'after-expiry', value: 1 }));
    okValue(await call(rival, { f: 'release', key: 'x-lock', value: null }));
  } finally {
    faults.heal();
    await faults.settled();
    system.close();
  }
});
