/**
 * ZAB on the simulator commits promptly on reordering links, as on FIFO
 * ones: a commit that overtakes its proposal must not stall the follower
 * until a timeout. Ten clients write without faults; the latencies of the
 * writes after the first second are compared.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Simulation } from '../../../harness/runtimes/sim/simulation.js';
import { RegisterRecipe } from '../client/recipes.js';
import { CoordinatorCluster } from './cluster.js';

const CLIENTS = 10;
const RUN_MS = 3000;
const MEASURED_AFTER_MS = 1000;

/** Write latencies (ms) of ok writes invoked after MEASURED_AFTER_MS, sorted. */
function writeLatencies(ordered: boolean): number[] {
  const network = { latency: { baseMs: 0.5, tailMeanMs: 1 }, ordered };
  const simulation = new Simulation({ seed: 11, network, traceBufferSize: 0 });
  const cluster = new CoordinatorCluster({ simulation, engine: 'zab' });
  const latencies: number[] = [];
  let lastValue = 0;
  for (let index = 1; index <= CLIENTS; index++) {
    const settings = { sessionTimeoutMs: 2000, requestTimeoutMs: 1000, connectTimeoutMs: 500, firstServerIndex: index - 1 };
    cluster.addClient(`w${index}`, settings, (client, world) => {
      const register = new RegisterRecipe(client);
      const writeNext = (): void => {
        world.clock.setTimer(5 + world.random.next() * 10, () => {
          if (simulation.now() >= RUN_MS) return;
          const invokedMs = simulation.now();
          register.write('r', ++lastValue, (outcome) => {
            if (outcome.type === 'ok' && invokedMs > MEASURED_AFTER_MS) latencies.push(simulation.now() - invokedMs);
            writeNext();
          });
        });
      };
      client.connect(() => writeNext());
    });
  }
  // Invariants are checked after every step (a broken one throws); replicas must agree at the end.
  simulation.run(RUN_MS + 1000);
  assert.ok(cluster.awaitConvergence(10_000), `ordered=${ordered}: replicas did not converge: ${cluster.describeReplicas()}`);
  return latencies.sort((left, right) => left - right);
}

test('ZAB commits promptly on reordering links, as on FIFO ones', () => {
  for (const ordered of [false, true]) {
    const latencies = writeLatencies(ordered);
    assert.ok(latencies.length > 1000, `only ${latencies.length} writes`);
    const median = latencies[Math.floor(latencies.length / 2)]!;
    const worst = latencies[latencies.length - 1]!;
    assert.ok(median < 10 && worst < 50, `ordered=${ordered}: median ${median.toFixed(1)} ms, worst ${worst.toFixed(1)} ms`);
  }
});
