/**
 * A user's own ZooKeeper: an unpacked release's layout (every jar in lib/)
 * and a java named by path. The release here is Debian's jars linked into
 * such a layout; the versions come from the running nodes all the same.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { bootRuntime } from '../../harness/runtimes/real/index.js';
import { PROJECT_DIRECTORY, resourcesOfRun } from '../../harness/runtimes/real/test-support.js';
import { RealZooKeeper } from './index.js';

const JARS = ['zookeeper.jar', 'zookeeper-jute.jar', 'slf4j-simple.jar', 'servlet-api.jar'];
const unavailable = process.getuid?.() !== 0 ? 'needs root' : !existsSync('/usr/share/java/zookeeper.jar') ? 'needs Debian zookeeper (bash scripts/setup.sh)' : false;

test('zookeeper from an install directory and a java named by path boots and names its versions', { skip: unavailable }, async () => {
  const runId = `test-zkinstall-${process.pid}`;
  const workDirectory = path.join(PROJECT_DIRECTORY, '.test-output', 'zookeeper', runId);
  rmSync(workDirectory, { recursive: true, force: true });
  const release = path.join(workDirectory, 'apache-zookeeper-bin');
  mkdirSync(path.join(release, 'lib'), { recursive: true });
  mkdirSync(path.join(release, 'conf'));
  for (const jar of JARS) symlinkSync(realpathSync(path.join('/usr/share/java', jar)), path.join(release, 'lib', jar));
  const java = realpathSync('/usr/bin/java');
  const cluster = await bootRuntime('local', { runId, nodes: ['n1', 'n2', 'n3'], workDirectory: path.join(workDirectory, 'nodes') });
  const zookeeper = new RealZooKeeper(cluster, { install: { installDirectory: release, java } });
  try {
    await zookeeper.start();
    await zookeeper.awaitHealthy(30_000, () => performance.now());
    const versions = await zookeeper.versions();
    assert.match(versions.zookeeper, /^3\.\d+\.\d+$/);
    assert.match(versions.java, /^\d+/);
  } finally {
    zookeeper.close();
    await cluster.teardown();
  }
  assert.deepEqual(await resourcesOfRun(runId), []);
  rmSync(workDirectory, { recursive: true, force: true });
});
