/**
 * Crash safety of real processes: writers keep writing fresh keys while
 * kill -9 hits a random node five times (each restarted after a moment);
 * afterwards every write that was acknowledged is read back, through the
 * cluster and from every replica's own state after a restart.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { SeededRandom } from '../../../common/random.js';
import type { WorkloadClient } from '../../../workloads/index.js';
import { coordinatorWorkloadClient } from '../workload-client.js';
import { createTcpClientFactory, type TcpClientFactory } from './tcp-client-factory.js';
import { invoke, invokeUntilOk } from './testing/operations.js';
import { ProcessCluster, delay } from './testing/process-cluster.js';

const OUTPUT = path.resolve('.test-output/coordinator-server/crash-safety');
const WRITERS = 6;
const KILLS = 5;
const MAX_WRITES = 10_000;
const READERS = 4;

for (const engine of ['raft', 'zab'] as const) {
  describe(`crash safety of ${engine} processes`, { timeout: 120_000 }, () => {
    let cluster: ProcessCluster | null = null;
    let factory: TcpClientFactory | null = null;
    after(async () => {
      factory?.close();
      await cluster?.killAll();
    });

    test(`every acknowledged write survives ${KILLS} kill -9s`, async () => {
      cluster = await ProcessCluster.create({ engine, directory: path.join(OUTPUT, engine), seed: 3 });
      const nodes = cluster;
      nodes.startAll();
      await nodes.awaitLeader();
      factory = createTcpClientFactory({ servers: nodes.members, seed: 11, requestTimeoutMs: 1000 });
      const tcp = factory;
      const open = (): WorkloadClient => coordinatorWorkloadClient({ open: tcp.open, clock: tcp.clock });

      const writers = startWriters(open);
      await killAndRestart(nodes, new SeededRandom(5));
      await delay(500);
      const { acknowledged, tried, infos } = await writers.stop();
      console.log(`${engine}: ${acknowledged.size} acknowledged writes of ${tried} tried, ${infos} info, across ${KILLS} kill -9s`);
      assert.ok(acknowledged.size > 50, `enough writes got through to mean something (${acknowledged.size})`);

      // Restart every node from its disk, then read everything back.
      for (const name of nodes.names) await nodes.signal(name, 'SIGKILL');
      nodes.startAll();
      await nodes.awaitLeader(nodes.names, 15_000);
      await readBackThroughCluster(open, acknowledged);
      for (const name of nodes.names) await expectReplicaHolds(nodes, name, acknowledged);
    });
  });
}

/** WRITERS workers writing key k<n> = n, each moving to a fresh client after a fail or info, as a worker does. */
function startWriters(open: () => WorkloadClient): { stop(): Promise<{ acknowledged: Map<string, number>; tried: number; infos: number }> } {
  const acknowledged = new Map<string, number>();
  let next = 0;
  let running = true;
  let infos = 0;
  const writer = async (): Promise<void> => {
    let client = open();
    while (running && next < MAX_WRITES) {
      const value = next++;
      const outcome = await invoke(client, { f: 'write', key: `k${value}`, value });
      if (outcome.type === 'ok') {
        acknowledged.set(`k${value}`, value);
        continue;
      }
      if (outcome.type === 'info') infos += 1;
      client.close();
      client = open();
      await delay(20);
    }
    client.close();
  };
  const done = Promise.all(Array.from({ length: WRITERS }, () => writer()));
  return {
    stop: async () => {
      running = false;
      await done;
      return { acknowledged, tried: next, infos };
    },
  };
}

/** KILLS times: SIGKILL a random node, restart it after a moment, wait for a leader all agree on. */
async function killAndRestart(nodes: ProcessCluster, random: SeededRandom): Promise<void> {
  for (let kill = 0; kill < KILLS; kill++) {
    await delay(400 + random.integer(0, 400));
    const victim = nodes.names[random.integer(0, nodes.names.length)] as string;
    await nodes.signal(victim, 'SIGKILL');
    await delay(200 + random.integer(0, 500));
    nodes.start(victim);
    await nodes.awaitLeader(nodes.names, 15_000);
  }
}

/** Linearizable reads of every acknowledged key, by a few readers in parallel. */
async function readBackThroughCluster(open: () => WorkloadClient, acknowledged: Map<string, number>): Promise<void> {
  const entries = [...acknowledged];
  const readOne = async (reader: WorkloadClient, key: string, value: number): Promise<void> => {
    let outcome = await invoke(reader, { f: 'read', key, value: null });
    if (outcome.type !== 'ok') outcome = await invokeUntilOk(open, { f: 'read', key, value: null });
    assert.deepEqual([key, outcome.type, outcome.type === 'ok' ? outcome.value : null], [key, 'ok', value]);
  };
  await Promise.all(
    Array.from({ length: READERS }, async (_, index) => {
      const reader = open();
      for (let entry = index; entry < entries.length; entry += READERS) {
        const [key, value] = entries[entry] as [string, number];
        await readOne(reader, key, value);
      }
      reader.close();
    }),
  );
}

/** The replica's own applied state holds every acknowledged write (it may need a moment to catch up). */
async function expectReplicaHolds(nodes: ProcessCluster, name: string, acknowledged: Map<string, number>): Promise<void> {
  const deadline = performance.now() + 10_000;
  let missing = [...acknowledged.keys()];
  while (missing.length > 0 && performance.now() < deadline) {
    const values = await nodes.admin(name, 2000).registers(missing);
    missing = missing.filter((key) => values[key] !== acknowledged.get(key));
    if (missing.length > 0) await delay(100);
  }
  assert.deepEqual(missing.slice(0, 5), [], `${name} lacks acknowledged writes`);
}
