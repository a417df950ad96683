/**
 * Many seeds of random faults (partitions, loss, duplication, reordering,
 * leader crashes) against the service over both real engines. Not a
 * linearizability check (that is the checkers' job): it asserts what must
 * hold whatever the faults: no exception, every call completes once,
 * sequence ids never repeat, and replicas converge after healing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRandom } from '../../../common/random.js';
import { FakeCluster } from './fake-cluster.js';
import { RegisterRecipe, SequenceRecipe } from '../client/recipes.js';
import type { CoordinatorClient } from '../client/client.js';

const SEEDS = 8;

function soak(engine: 'raft' | 'zab', seed: number): void {
  const random = new SeededRandom(seed);
  const cluster = new FakeCluster({ engine, seed });
  cluster.network.jitterMs = 5;
  cluster.time.run(10_000, () => cluster.leader() !== null);
  const clients: CoordinatorClient[] = [0, 1, 2, 3].map((index) =>
    cluster.connectedClient(`c${index}`, { firstServerIndex: index % 3, sessionTimeoutMs: 2000, requestTimeoutMs: 500 }),
  );
  cluster.network.lossRate = 0.02;
  cluster.network.duplicate = random.chance(0.5);
  const ids: number[] = [];
  let completions = 0;
  let calls = 0;
  const startOperation = (client: CoordinatorClient, index: number): void => {
    calls += 1;
    const done = (): void => void (completions += 1);
    if (random.chance(0.5)) {
      new SequenceRecipe(client).next('s', (outcome) => {
        if (outcome.type === 'ok') ids.push(outcome.value);
        done();
      });
    } else if (random.chance(0.5)) new RegisterRecipe(client).write('r', index, done);
    else new RegisterRecipe(client, { readMode: random.pick(['linearizable', 'sequential', 'lease']) }).read('r', done);
  };
  for (let round = 0; round < 40; round++) {
    for (const [index, client] of clients.entries()) if (random.chance(0.7)) startOperation(client, round * 10 + index);
    if (random.chance(0.1)) cluster.network.isolate(random.pick(cluster.servers), cluster.servers);
    if (random.chance(0.1)) cluster.network.heal();
    const leader = cluster.leader();
    if (leader !== null && random.chance(0.05)) {
      cluster.stopNode(leader);
      cluster.time.schedule(random.integer(100, 1500), () => cluster.startNode(leader));
    }
    cluster.run(random.integer(20, 200));
  }
  cluster.network.heal();
  cluster.network.lossRate = 0;
  cluster.run(20_000);
  assert.equal(completions, calls, `seed ${seed}: some calls never completed`);
  assert.ok(ids.length > 0, `seed ${seed}: no sequence id at all`);
  assert.equal(new Set(ids).size, ids.length, `seed ${seed}: a sequence id was handed out twice: ${ids.join(',')}`);
  const digests = new Set([...cluster.nodes.values()].map((node) => node.service().digest));
  assert.equal(digests.size, 1, `seed ${seed}: replicas diverged after healing`);
}

for (const engine of ['raft', 'zab'] as const) {
  test(`${engine}: ${SEEDS} seeds of random faults keep the service's invariants`, () => {
    for (let seed = 1; seed <= SEEDS; seed++) soak(engine, seed);
  });
}
