/**
 * A 3-node coordinator cluster as real processes on 127.0.0.1, for each
 * engine: it elects one leader, serves register ops through the harness's
 * TCP clients, survives kill -9 of its leader and the leader's restart with
 * its data, and shows a clock skew in /status.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { coordinatorWorkloadClient } from '../workload-client.js';
import { createTcpClientFactory, type TcpClientFactory } from './tcp-client-factory.js';
import { invoke, invokeUntilOk } from './testing/operations.js';
import { ProcessCluster, delay } from './testing/process-cluster.js';

const OUTPUT = path.resolve('.test-output/coordinator-server');

for (const engine of ['raft', 'zab'] as const) {
  describe(`a 3-node ${engine} cluster of real processes`, { timeout: 90_000 }, () => {
    let cluster: ProcessCluster | null = null;
    let factory: TcpClientFactory | null = null;
    after(async () => {
      factory?.close();
      await cluster?.killAll();
    });

    test('elects one leader, serves registers, survives kill -9 of the leader, shows clock skew', async () => {
      cluster = await ProcessCluster.create({ engine, directory: path.join(OUTPUT, `cluster-${engine}`) });
      const started = performance.now();
      cluster.startAll();
      const leader = await cluster.awaitLeader();
      console.log(`${engine}: spawn to healthy 3-node cluster: ${Math.round(performance.now() - started)} ms`);

      factory = createTcpClientFactory({ servers: cluster.members, seed: 7, requestTimeoutMs: 1000 });
      const tcp = factory;
      const open = () => coordinatorWorkloadClient({ open: tcp.open, clock: tcp.clock });
      const client = open();
      assert.equal((await invokeUntilOk(open, { f: 'write', key: 'a', value: 1 })).type, 'ok');
      assert.deepEqual(pick(await invoke(client, { f: 'read', key: 'a', value: null })), { type: 'ok', value: 1 });
      assert.deepEqual(pick(await invoke(client, { f: 'cas', key: 'a', value: [1, 2] })), { type: 'ok', value: [1, 2] });
      assert.equal((await invoke(client, { f: 'cas', key: 'a', value: [5, 6] })).type, 'fail');
      assert.deepEqual(pick(await invoke(client, { f: 'read', key: 'a', value: null })), { type: 'ok', value: 2 });
      client.close();

      await cluster.signal(leader, 'SIGKILL');
      const survivors = cluster.names.filter((name) => name !== leader);
      const newLeader = await cluster.awaitLeader(survivors);
      assert.notEqual(newLeader, leader);
      assert.equal((await invokeUntilOk(open, { f: 'write', key: 'b', value: 3 })).type, 'ok');
      assert.deepEqual(pick(await invokeUntilOk(open, { f: 'read', key: 'a', value: null })), { type: 'ok', value: 2 });

      cluster.start(leader);
      await cluster.awaitLeader();
      const admin = cluster.admin(leader);
      await eventually(async () => assert.deepEqual(await admin.registers(['a', 'b', 'missing']), { a: 2, b: 3, missing: null }));

      const skewed = await admin.skewClock({ bumpMs: 60_000, rate: 2 });
      assert.ok(Math.abs(skewed.offsetMs - 60_000) < 100, `offset ${skewed.offsetMs}`);
      const status = await admin.status();
      assert.equal(status.clock.rate, 2);
      assert.ok(status.clock.offsetMs > 59_000, `status offset ${status.clock.offsetMs}`);
      await delay(200);
      assert.ok((await admin.status()).clock.offsetMs > status.clock.offsetMs + 100, 'a fast clock pulls ahead');
      const strobed = await admin.skewClock({ strobe: { amplitudeMs: 1000, periodMs: 100 } });
      assert.deepEqual(strobed.strobe, { amplitudeMs: 1000, periodMs: 100 });
      const reset = await admin.resetClock();
      assert.ok(reset.offsetMs === 0 && reset.rate === 1 && reset.strobe === null, JSON.stringify(reset));
      await assert.rejects(admin.skewClock({ rate: -1 }), /400/);
    });
  });
}

function pick(outcome: { type: string; value?: unknown }): { type: string; value: unknown } {
  return { type: outcome.type, value: outcome.value };
}

async function eventually(check: () => Promise<void>, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await delay(50);
    }
  }
}
