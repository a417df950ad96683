/**
 * Figures for real processes on loopback, printed: time from spawn to a
 * healthy 3-node cluster, and register ops per second with 10 concurrent
 * clients through the harness's TCP clients (issue 6 asks for under 5 s and
 * at least 2,000 ops/s). The assertions are floors well below the targets,
 * so a busy machine does not fail the suite, but a broken path does.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { coordinatorWorkloadClient } from '../workload-client.js';
import { createTcpClientFactory, type TcpClientFactory } from './tcp-client-factory.js';
import { runRegisterLoad } from './testing/load.js';
import { ProcessCluster } from './testing/process-cluster.js';

const OUTPUT = path.resolve('.test-output/coordinator-server/performance');

/** The highest epoch (ZAB) or term (Raft) the nodes report. */
async function leaderEpoch(cluster: ProcessCluster): Promise<number> {
  return Math.max(...(await cluster.statuses()).map((status) => Number(status.epoch)));
}

for (const engine of ['raft', 'zab'] as const) {
  describe(`performance of a 3-node ${engine} cluster`, { timeout: 60_000 }, () => {
    let cluster: ProcessCluster | null = null;
    let factory: TcpClientFactory | null = null;
    after(async () => {
      factory?.close();
      await cluster?.killAll();
    });

    test('healthy quickly, and serves register ops from 10 clients', async () => {
      cluster = await ProcessCluster.create({ engine, directory: path.join(OUTPUT, engine) });
      const started = performance.now();
      cluster.startAll();
      await cluster.awaitLeader();
      const healthyMs = performance.now() - started;
      factory = createTcpClientFactory({ servers: cluster.members, seed: 3, requestTimeoutMs: 2000 });
      const tcp = factory;
      const epochBefore = await leaderEpoch(cluster);
      const load = await runRegisterLoad({ open: () => coordinatorWorkloadClient({ open: tcp.open, clock: tcp.clock }), clients: 10, durationMs: 4000, maxOperations: 100_000 });
      const epochAfter = await leaderEpoch(cluster);
      console.log(
        `${engine}: healthy in ${Math.round(healthyMs)} ms; ${Math.round(load.operationsPerSecond)} register ops/s with 10 clients ` +
          `(${load.operations} ops: ${load.ok} ok, ${load.fail} fail, ${load.info} info), latency p50 ${load.p50Ms.toFixed(1)} ms, p99 ${load.p99Ms.toFixed(1)} ms`,
      );
      assert.ok(healthyMs < 5000, `healthy in ${healthyMs} ms`);
      // A leader starved of CPU past its 300 ms election timeout (a loaded CI machine) is replaced, and the writes it
      // had in flight end unknown: only a cluster that kept its leader must answer every op.
      if (epochAfter === epochBefore) assert.equal(load.info, 0, 'no op went unanswered on a cluster that kept its leader');
      else console.log(`${engine}: the leader changed during the load (epoch ${epochBefore} -> ${epochAfter}); ${load.info} ops unanswered`);
      assert.ok(load.operationsPerSecond > 300, `${load.operationsPerSecond} ops/s`);
    });
  });
}
