/**
 * Real etcd on the docker runtime: the host's etcd runs in containers;
 * boot, health, roles, a write and a read, and a teardown that leaves
 * nothing.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { tryCommand } from '../../harness/runtimes/real/host-commands.js';
import { bootRuntime } from '../../harness/runtimes/real/index.js';
import { PROJECT_DIRECTORY, resourcesOfRun } from '../../harness/runtimes/real/test-support.js';
import type { OperationOutcome, OperationRequest, WorkloadClient } from '../../workloads/index.js';
import { RealEtcd } from './index.js';

const dockerAnswers = (await tryCommand('docker', ['info'], { timeoutMs: 15_000 }).catch(() => ({ exitCode: 1 }))).exitCode === 0;
const unavailable = !dockerAnswers ? 'needs a Docker engine' : (await tryCommand('sh', ['-c', 'command -v etcd'])).exitCode !== 0 ? 'needs etcd (bash scripts/setup.sh)' : false;

function call(client: WorkloadClient, request: OperationRequest): Promise<OperationOutcome> {
  return new Promise((resolve) => client.invoke(request, resolve));
}

test('etcd on docker: three containers elect a leader and serve a write and a read', { skip: unavailable }, async () => {
  const runId = `test-etcddocker-${process.pid}`;
  const workDirectory = path.join(PROJECT_DIRECTORY, '.test-output', 'etcd', runId);
  rmSync(workDirectory, { recursive: true, force: true });
  const started = performance.now();
  const cluster = await bootRuntime('docker', { runId, nodes: ['n1', 'n2', 'n3'], workDirectory });
  const etcd = new RealEtcd(cluster);
  try {
    await etcd.start();
    const health = await etcd.awaitHealthy(30_000, () => performance.now());
    process.stdout.write(`# etcd on docker: healthy (leader ${health.leader}) ${Math.round(performance.now() - started)} ms after boot began\n`);
    const roles = await etcd.sampleRoles(() => 0);
    assert.deepEqual(roles.map((sample) => sample.role).sort(), ['follower', 'follower', 'leader']);
    const client = etcd.workloadClient();
    assert.equal((await call(client, { f: 'write', key: 'd1', value: 4 })).type, 'ok');
    const read = await call(client, { f: 'read', key: 'd1', value: null });
    assert.equal(read.type === 'ok' && read.value, 4);
  } finally {
    etcd.close();
    await cluster.teardown();
  }
  assert.deepEqual(await resourcesOfRun(runId), []);
  rmSync(workDirectory, { recursive: true, force: true });
});
