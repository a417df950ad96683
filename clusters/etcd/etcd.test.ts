/**
 * Real etcd on the local runtime (three members in network namespaces):
 * boot, health, roles, versions, every workload vocabulary through the
 * workload client in both read modes, final registers, no hidden retries,
 * and a teardown that leaves nothing.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isFaultlineError } from '../../common/errors.js';
import { bootRuntime, type RealCluster } from '../../harness/runtimes/real/index.js';
import { PROJECT_DIRECTORY, resourcesOfRun } from '../../harness/runtimes/real/test-support.js';
import { tryCommand } from '../../harness/runtimes/real/host-commands.js';
import type { OperationOutcome, OperationRequest, WorkloadClient } from '../../workloads/index.js';
import { runRealWorkload } from '../testing/real-workload-run.js';
import { EtcdConnection, RealEtcd, RUN_ONCE } from './index.js';

const etcdInstalled = (await tryCommand('sh', ['-c', 'command -v etcd'])).exitCode === 0;
const unavailable = process.getuid?.() !== 0 ? 'needs root' : !etcdInstalled ? 'needs etcd (bash scripts/setup.sh)' : false;
const runId = `test-etcd-${process.pid}`;
const workDirectory = path.join(PROJECT_DIRECTORY, '.test-output', 'etcd', runId);

let cluster: RealCluster | undefined;
let etcd: RealEtcd;

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
  etcd = new RealEtcd(cluster);
  await etcd.start();
  const health = await etcd.awaitHealthy(30_000, () => performance.now());
  process.stdout.write(`# etcd: 3 members healthy (leader ${health.leader}, term ${health.term}) ${Math.round(performance.now() - started)} ms after boot began\n`);
});

after(async () => {
  if (cluster === undefined) return;
  etcd.close();
  await cluster.teardown();
  assert.deepEqual(await resourcesOfRun(runId), []);
  rmSync(workDirectory, { recursive: true, force: true });
});

test('etcd: exactly one leader, the others follow it in its term; versions come from the running members', { skip: unavailable }, async () => {
  const samples = await etcd.sampleRoles(() => 0);
  assert.deepEqual(samples.map((sample) => sample.role).sort(), ['follower', 'follower', 'leader']);
  assert.equal(new Set(samples.map((sample) => sample.epoch)).size, 1);
  assert.ok((samples[0]?.epoch ?? 0) >= 2);
  assert.equal(etcd.leader(), samples.find((sample) => sample.role === 'leader')?.node);
  const versions = await etcd.versions();
  process.stdout.write(`# etcd versions: ${JSON.stringify(versions)}\n`);
  assert.match(versions.etcd, /^3\.\d+\.\d+/);
  assert.match(versions.go, /^go1\.\d+/);
  assert.throws(() => etcd.clockControl(), (error) => isFaultlineError(error) && error.code === 'E_UNSUPPORTED' && /Go/.test(error.hint ?? ''));
});

test('etcd: registers read, write and compare-and-set, in both read modes, naming the pinned member', { skip: unavailable }, async () => {
  const client = etcd.workloadClient({ node: 'n2' });
  const serializable = new RealEtcd(cluster as RealCluster, { readMode: 'serializable' }).workloadClient({ node: 'n3' });
  try {
    assert.deepEqual(await call(client, { f: 'read', key: 'r1', value: null }), { type: 'ok', value: null, node: 'n2' });
    assert.equal(okValue(await call(client, { f: 'write', key: 'r1', value: 3 })), 3);
    assert.equal(okValue(await call(client, { f: 'read', key: 'r1', value: null })), 3);
    assert.deepEqual(await call(client, { f: 'cas', key: 'r1', value: [2, 5] }), { type: 'fail', error: 'compare-failed' });
    assert.deepEqual(await call(client, { f: 'cas', key: 'missing', value: [0, 1] }), { type: 'fail', error: 'compare-failed' });
    assert.deepEqual(await call(client, { f: 'cas', key: 'r1', value: [3, 5] }), { type: 'ok', value: [3, 5], node: 'n2' });
    assert.equal(okValue(await call(client, { f: 'read', key: 'r1', value: null })), 5);
    assert.equal(okValue(await call(serializable, { f: 'write', key: 'r2', value: 7 })), 7);
    assert.deepEqual(await call(serializable, { f: 'read', key: 'r2', value: null }), { type: 'ok', value: 7, node: 'n3' });
  } finally {
    client.close();
    serializable.close();
  }
  const finals = await etcd.finalRegisters(['r1', 'r2', 'never']);
  assert.deepEqual(Object.keys(finals).sort(), ['n1', 'n2', 'n3']);
  for (const state of Object.values(finals)) assert.deepEqual(state, { r1: 5, r2: 7, never: null });
});

test('etcd: sequences hand out dense increasing ids, even to clients that race', { skip: unavailable }, async () => {
  const clients = [etcd.workloadClient(), etcd.workloadClient(), etcd.workloadClient()];
  try {
    const ids: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      const outcomes = await Promise.all(clients.map((client) => call(client, { f: 'next', key: 's1', value: null })));
      ids.push(...outcomes.filter((outcome) => outcome.type === 'ok').map((outcome) => okValue(outcome) as number));
    }
    assert.ok(ids.length >= 4, `only ${ids.length} of 12 next calls succeeded`);
    assert.equal(new Set(ids).size, ids.length, 'distinct');
    assert.deepEqual([...ids].sort((left, right) => left - right), Array.from({ length: ids.length }, (_, index) => index), 'dense from 0');
  } finally {
    for (const client of clients) client.close();
  }
});

test('etcd: a lock is held by one client at a time, with growing fencing tokens', { skip: unavailable }, async () => {
  const [first, second] = [etcd.workloadClient({ acquireTimeoutMs: 5_000 }), etcd.workloadClient({ acquireTimeoutMs: 5_000 })];
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

test('etcd: the client runs each call once, on its own member, and fails at once where nothing listens', { skip: unavailable }, async () => {
  let runs = 0;
  await RUN_ONCE.execute(() => (runs += 1));
  assert.equal(runs, 1);
  // A port where nothing listens: the call never leaves, a definite failure, not a retry on another member.
  const nowhere = new EtcdConnection({ node: 'n1', url: `http://${cluster?.nodes[0]?.address}:2999`, callTimeoutMs: 2_000 });
  try {
    const started = performance.now();
    const result = await nowhere.call((client) => client.get('/registers/x').string());
    assert.deepEqual(result, { type: 'fail', error: 'not-connected' });
    assert.ok(performance.now() - started < 1_900, 'it did not wait for the deadline');
  } finally {
    nowhere.close();
  }
});

test('etcd: a paused member ends calls info at their deadline, a lock holder learns it is in doubt, and after resume a new connection works', { skip: unavailable }, async () => {
  const samples = await etcd.sampleRoles(() => 0);
  const follower = samples.find((sample) => sample.role === 'follower')?.node as string;
  const pinned = new RealEtcd(cluster as RealCluster, { callTimeoutMs: 1_000 });
  const client = pinned.workloadClient({ node: follower });
  const holder = pinned.workloadClient({ node: follower, leaseTtlSeconds: 2 });
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
    // Keepalives go every TTL/3; none answered for half the TTL puts the lock in doubt.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal(holder.urgent?.(), true);
    assert.ok(woken >= 1, 'the holder was woken');
    const entered = await call(holder, { f: 'enter', key: 'p-lock', value: null });
    assert.ok(entered.type === 'fail' && ['lock-in-doubt', 'lock-lost'].includes(entered.error), JSON.stringify(entered));
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

test('etcd: the register, sequence, lock and lock-fencing workloads run to their end, and every checker passes', { skip: unavailable }, async () => {
  const budgets = { register: 60, sequence: 40, lock: 8, 'lock-fencing': 8 } as const;
  const roles = await etcd.sampleRoles(() => 0);
  for (const [workload, operationsPerKey] of Object.entries(budgets) as [keyof typeof budgets, number][]) {
    const run = await runRealWorkload({
      workload,
      operationsPerKey,
      keys: 2,
      concurrency: 6,
      openClient: () => etcd.workloadClient(),
      timeLimitMs: 20_000,
      roles,
      ...(workload === 'register' ? { finalStates: (keys: string[]) => etcd.finalRegisters(keys) } : {}),
    });
    process.stdout.write(`# etcd ${workload}: ${run.operations} operations in ${Math.round(run.elapsedMs)} ms, served by ${[...run.servers].sort().join(', ')}\n`);
    for (const [checker, judgement] of Object.entries(run.verdicts)) assert.equal(judgement.valid, true, `${workload}, ${checker}: ${judgement.sentence}`);
    assert.ok(run.servers.size > 1, 'served by several servers');
  }
});

test('etcd: a killed member is unreachable to the role sampler and left out of final reads; restarted, it rejoins', { skip: unavailable }, async () => {
  const samples = await etcd.sampleRoles(() => 0);
  const follower = samples.find((sample) => sample.role === 'follower')?.node as string;
  const faults = (cluster as RealCluster).faultControl();
  try {
    faults.kill(follower);
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    const after = await etcd.sampleRoles(() => 1);
    assert.equal(after.find((sample) => sample.node === follower)?.role, 'unreachable');
    assert.equal(after.filter((sample) => sample.role === 'leader').length, 1);
    assert.deepEqual(Object.keys(await etcd.finalRegisters(['r1'], 2_000)).sort(), etcd.nodes.filter((node) => node !== follower));
    const started = performance.now();
    faults.restart(follower);
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    await etcd.awaitHealthy(20_000, () => performance.now());
    process.stdout.write(`# etcd: restarted ${follower} rejoined in ${Math.round(performance.now() - started)} ms\n`);
  } finally {
    faults.heal();
    await faults.settled();
  }
});

test('etcd: a member cut off from the others answers serializable reads with what it had, while a linearizable read there ends info', { skip: unavailable }, async () => {
  const samples = await etcd.sampleRoles(() => 0);
  const isolated = samples.find((sample) => sample.role === 'follower')?.node as string;
  const leader = samples.find((sample) => sample.role === 'leader')?.node as string;
  const writer = etcd.workloadClient({ node: leader });
  const serializable = new RealEtcd(cluster as RealCluster, { readMode: 'serializable', callTimeoutMs: 1_000 }).workloadClient({ node: isolated });
  const linearizable = new RealEtcd(cluster as RealCluster, { callTimeoutMs: 1_000 }).workloadClient({ node: isolated });
  const faults = (cluster as RealCluster).faultControl();
  try {
    okValue(await call(writer, { f: 'write', key: 'stale', value: 1 }));
    assert.equal(okValue(await call(linearizable, { f: 'read', key: 'stale', value: null })), 1);
    faults.partition([[isolated], othersThan(isolated)]);
    await faults.settled();
    assert.equal(faults.failure(), undefined);
    okValue(await call(writer, { f: 'write', key: 'stale', value: 2 }));
    assert.deepEqual(await call(serializable, { f: 'read', key: 'stale', value: null }), { type: 'ok', value: 1, node: isolated });
    const read = await call(linearizable, { f: 'read', key: 'stale', value: null });
    assert.equal(read.type, 'info', JSON.stringify(read));
  } finally {
    faults.heal();
    await faults.settled();
    for (const client of [writer, serializable, linearizable]) client.close();
  }
  await etcd.awaitHealthy(30_000, () => performance.now());
});

function othersThan(isolated: string): string[] {
  return etcd.nodes.filter((node) => node !== isolated);
}

test('etcd: a holder whose member is paused past its lease learns its lock is lost, and another client gets the lock with a larger token', { skip: unavailable }, async () => {
  const samples = await etcd.sampleRoles(() => 0);
  const follower = samples.find((sample) => sample.role === 'follower')?.node as string;
  const leader = samples.find((sample) => sample.role === 'leader')?.node as string;
  const system = new RealEtcd(cluster as RealCluster, { callTimeoutMs: 1_000 });
  const holder = system.workloadClient({ node: follower, leaseTtlSeconds: 2 });
  const rival = system.workloadClient({ node: leader, acquireTimeoutMs: 10_000 });
  const faults = (cluster as RealCluster).faultControl();
  try {
    const held = okValue(await call(holder, { f: 'acquire', key: 'x-lock', value: null })) as { token: number };
    const rivalAcquire = call(rival, { f: 'acquire', key: 'x-lock', value: null });
    faults.pause(follower);
    await faults.settled();
    // The leader expires the lease that no keepalive renews, and the rival's turn comes.
    const taken = okValue(await rivalAcquire) as { token: number };
    assert.ok(taken.token > held.token);
    assert.deepEqual(await call(holder, { f: 'enter', key: 'x-lock', value: null }), { type: 'fail', error: 'lock-lost' });
    faults.resume(follower);
    await faults.settled();
    assert.deepEqual(await call(holder, { f: 'release', key: 'x-lock', value: null }), { type: 'info', error: 'lock-lost' });
    okValue(await call(rival, { f: 'release', key: 'x-lock', value: null }));
  } finally {
    faults.heal();
    await faults.settled();
    system.close();
  }
});
