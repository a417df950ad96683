/** The test world itself: fsync semantics and reproducibility. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { randomRun } from './random-run.js';
import { MemoryStorage } from './storage.js';

describe('engine test world', () => {
  test('a crash keeps exactly what the last sync covered', () => {
    const storage = new MemoryStorage();
    storage.set('a', 1);
    storage.sync();
    storage.set('a', 2);
    storage.set('b', 3);
    storage.delete('a');
    assert.equal(storage.get('a'), undefined);
    storage.crash();
    assert.equal(storage.get('a'), 1);
    assert.equal(storage.get('b'), undefined);
    assert.deepEqual(storage.keys(''), ['a']);
  });

  for (const kind of ['raft', 'zab'] as const) {
    test(`${kind}: the same seed gives the same run`, () => {
      const first = randomRun({ kind, seed: 42 });
      const second = randomRun({ kind, seed: 42 });
      assert.deepEqual(second.cluster.logLines, first.cluster.logLines);
      assert.deepEqual([...second.cluster.checker.committed], [...first.cluster.checker.committed]);
      assert.equal(second.cluster.checker.checks, first.cluster.checker.checks);
    });
  }
});
