/** The engines' test cluster on the simulator is reproducible: one seed, one run. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { randomRun } from './random-run.js';

describe('engine test world', () => {
  for (const kind of ['raft', 'zab'] as const) {
    test(`${kind}: the same seed gives the same run`, () => {
      const first = randomRun({ kind, seed: 42 });
      const second = randomRun({ kind, seed: 42 });
      assert.equal(second.cluster.simulation.traceHash(), first.cluster.simulation.traceHash());
      assert.deepEqual(second.cluster.logLines, first.cluster.logLines);
      assert.deepEqual([...second.cluster.checker.committed], [...first.cluster.checker.committed]);
      assert.equal(second.cluster.checker.checks, first.cluster.checker.checks);
    });
  }
});
