/**
 * Clock faults on real ZooKeeper (three JVMs with libfaketime preloaded, in
 * network namespaces): the ensemble still elects at once, a bump is seen
 * inside the skewed JVM (its admin server's Date header, and the mtime the
 * leader stamps on a znode), drift and strobes move it as asked, and a
 * reset undoes it.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { isFaultlineError } from '../../common/errors.js';
import { bootRuntime, type RealCluster } from '../../harness/runtimes/real/index.js';
import { PROJECT_DIRECTORY, resourcesOfRun } from '../../harness/runtimes/real/test-support.js';
import { LIBFAKETIME, RealZooKeeper, ZooKeeperClockControl, ZooKeeperSession } from './index.js';
import { httpDate } from './admin-date.js';
import { statNumber } from './session.js';

const unavailable =
  process.getuid?.() !== 0 ? 'needs root' : !existsSync('/usr/share/java/zookeeper.jar') || !existsSync(LIBFAKETIME) ? 'needs zookeeper and faketime (bash scripts/setup.sh)' : false;
const runId = `test-zkclock-${process.pid}`;
const workDirectory = path.join(PROJECT_DIRECTORY, '.test-output', 'zookeeper', runId);
const HOUR_MS = 3_600_000;

let cluster: RealCluster | undefined;
let zookeeper: RealZooKeeper;

before(async () => {
  if (unavailable !== false) return;
  rmSync(workDirectory, { recursive: true, force: true });
  const started = performance.now();
  cluster = await bootRuntime('local', { runId, nodes: ['n1', 'n2', 'n3'], workDirectory });
  zookeeper = new RealZooKeeper(cluster, { clockFaults: true });
  await zookeeper.start();
  const health = await zookeeper.awaitHealthy(30_000, () => performance.now());
  process.stdout.write(`# zookeeper with libfaketime: healthy (leader ${health.leader}) ${Math.round(performance.now() - started)} ms after boot began\n`);
});

after(async () => {
  if (cluster === undefined) return;
  zookeeper.close();
  await cluster.teardown();
  assert.deepEqual(await resourcesOfRun(runId), []);
  rmSync(workDirectory, { recursive: true, force: true });
});

/** The mtime (ms since the epoch) the leader stamps on a znode written now. */
async function stampedMtime(): Promise<number> {
  const session = new ZooKeeperSession({ servers: (cluster as RealCluster).nodes.map((node) => `${node.address}:2181`), sessionTimeoutMs: 6_000, callTimeoutMs: 3_000, nodeOfHost: () => undefined });
  try {
    assert.ok(await session.awaitConnected(5_000));
    const set = await session.call<{ mtime: Buffer }>((callback) => session.client.setData('/', Buffer.from(String(Date.now())), -1, callback));
    assert.equal(set.type, 'ok', JSON.stringify(set));
    return statNumber((set as { value: { mtime: Buffer } }).value.mtime);
  } finally {
    session.close();
  }
}

test('zookeeper clock: a bump of the leader shows inside its JVM and in the mtimes it stamps; a reset undoes it', { skip: unavailable }, async () => {
  await zookeeper.sampleRoles(() => 0);
  const leader = zookeeper.leader() as string;
  assert.ok(Math.abs((await stampedMtime()) - Date.now()) < 2_000, 'no skew before');
  const clock = zookeeper.clockControl();
  await clock.skew(leader, { bumpMs: HOUR_MS });
  const skewed = (await stampedMtime()) - Date.now();
  assert.ok(Math.abs(skewed - HOUR_MS) < 2_000, `the leader stamped ${skewed} ms ahead`);
  await clock.reset(leader);
  assert.ok(Math.abs((await stampedMtime()) - Date.now()) < 2_000, 'no skew after the reset');
});

test('zookeeper clock: bumps add up, a drift runs the JVM clock fast, a strobe swings it both ways', { skip: unavailable }, async () => {
  const samples = await zookeeper.sampleRoles(() => 0);
  const follower = samples.find((sample) => sample.role === 'follower')?.node as string;
  const address = (cluster as RealCluster).nodes.find((node) => node.name === follower)?.address as string;
  const jvmOffsetMs = async (): Promise<number> => {
    const before = Date.now();
    return (await httpDate(`http://${address}:8080/commands/ruok`, 2_000)) - (before + Date.now()) / 2;
  };
  const clock = zookeeper.clockControl();
  await clock.skew(follower, { bumpMs: -5_000 });
  await clock.skew(follower, { bumpMs: -5_000 });
  assert.ok(Math.abs((clock.offsets().get(follower) ?? 0) + 10_000) < 1, 'bumps add up');
  assert.ok(Math.abs((await jvmOffsetMs()) + 10_000) < 1_500);
  await clock.reset(follower);
  await clock.skew(follower, { rate: 4 });
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const drifted = await jvmOffsetMs();
  assert.ok(drifted > 4_000 && drifted < 9_000, `after 2 s at rate 4 the JVM is ${Math.round(drifted)} ms ahead`);
  await clock.reset(follower);
  await clock.skew(follower, { strobe: { amplitudeMs: 10_000, periodMs: 1_000 } });
  const seen: number[] = [];
  for (let look = 0; look < 8; look += 1) {
    seen.push(await jvmOffsetMs());
    await new Promise((resolve) => setTimeout(resolve, 350));
  }
  assert.ok(seen.some((offsetMs) => offsetMs > 8_000) && seen.some((offsetMs) => offsetMs < -8_000), `the strobe swung: ${seen.map(Math.round).join(', ')}`);
  await clock.reset(follower);
  assert.ok(Math.abs(await jvmOffsetMs()) < 1_500, 'back to true time');
});

test('zookeeper clock: without libfaketime there is no clock control', { skip: unavailable }, () => {
  assert.throws(() => new RealZooKeeper(cluster as RealCluster).clockControl(), (error) => isFaultlineError(error) && error.code === 'E_UNSUPPORTED');
});

test('zookeeper clock: a bump the JVM does not see is an infrastructure error', { skip: unavailable }, async () => {
  // The offset goes to a file the JVMs do not read: verification must notice.
  const elsewhere = (cluster as RealCluster).nodes.map((node) => ({ ...node, dataDirectory: path.join(workDirectory, 'elsewhere', node.name) }));
  for (const node of elsewhere) mkdirSync(path.join(node.dataDirectory, 'zookeeper'), { recursive: true });
  const clock = new ZooKeeperClockControl(elsewhere);
  await assert.rejects(clock.skew('n1', { bumpMs: HOUR_MS }), (error) => isFaultlineError(error) && error.code === 'E_INFRASTRUCTURE' && /did not take effect/.test(error.message));
});
