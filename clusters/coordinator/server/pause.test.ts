/**
 * A paused leader (SIGSTOP) on real processes: the others elect a new
 * leader, clients connected to the frozen node get info within their
 * timeout instead of hanging, clients elsewhere carry on, and after
 * SIGCONT all three agree on one leader again.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { OperationOutcome, WorkloadClient } from '../../../workloads/index.js';
import type { CoordinatorClient } from '../client/client.js';
import { coordinatorWorkloadClient } from '../workload-client.js';
import { createTcpClientFactory, type TcpClientFactory } from './tcp-client-factory.js';
import { invoke, invokeUntilOk } from './testing/operations.js';
import { ProcessCluster } from './testing/process-cluster.js';

const OUTPUT = path.resolve('.test-output/coordinator-server/pause');
const REQUEST_TIMEOUT_MS = 1000;

for (const engine of ['raft', 'zab'] as const) {
  describe(`a paused ${engine} leader`, { timeout: 60_000 }, () => {
    let cluster: ProcessCluster | null = null;
    let factory: TcpClientFactory | null = null;
    after(async () => {
      factory?.close();
      await cluster?.killAll();
    });

    test('is replaced, its clients time out into info, and it rejoins after SIGCONT', async () => {
      cluster = await ProcessCluster.create({ engine, directory: path.join(OUTPUT, engine) });
      const nodes = cluster;
      nodes.startAll();
      const leader = await nodes.awaitLeader();
      factory = createTcpClientFactory({ servers: nodes.members, seed: 5, requestTimeoutMs: REQUEST_TIMEOUT_MS });
      const tcp = factory;
      // Clients pick their server at random: open some until at least two sit on the leader (bounded).
      const clients: Array<{ workload: WorkloadClient; server: () => string | null }> = [];
      while (clients.length < 30 && (clients.length < 6 || clients.filter((client) => client.server() === leader).length < 2)) {
        let raw: CoordinatorClient | null = null;
        const workload = coordinatorWorkloadClient({ open: () => (raw = tcp.open()), clock: tcp.clock });
        clients.push({ workload, server: () => raw?.server ?? null });
        assert.equal((await invoke(workload, { f: 'read', key: 'p', value: null })).type, 'ok');
      }
      const onLeader = clients.filter((client) => client.server() === leader);
      assert.ok(onLeader.length >= 2, 'some clients sit on the leader');

      nodes.pause(leader, true);
      const started = performance.now();
      const outcomes = await Promise.all(
        clients.map(async (client, index) => ({ client, outcome: await invoke(client.workload, { f: 'write', key: 'p', value: index }), ms: performance.now() - started })),
      );
      for (const { ms } of outcomes) assert.ok(ms < REQUEST_TIMEOUT_MS + 1500, `every op ended in time (${Math.round(ms)} ms)`);
      for (const { client, outcome } of outcomes) {
        if (onLeader.includes(client)) assert.equal(outcome.type, 'info', 'an op on the frozen node is unknown, not failed');
      }
      const survivors = nodes.names.filter((name) => name !== leader);
      const newLeader = await nodes.awaitLeader(survivors, 10_000);
      assert.notEqual(newLeader, leader);
      const open = () => coordinatorWorkloadClient({ open: tcp.open, clock: tcp.clock });
      const written: OperationOutcome = await invokeUntilOk(open, { f: 'write', key: 'p', value: 100 });
      assert.equal(written.type, 'ok');

      nodes.pause(leader, false);
      await nodes.awaitLeader(nodes.names, 10_000);
      for (const client of clients) client.workload.close();
    });
  });
}
