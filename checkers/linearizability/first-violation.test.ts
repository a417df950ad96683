/** --first-violation: the first violated key in key order, the same in one thread or several. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { readOperations } from '../../common/history/index.js';
import { SHARED_HISTORIES } from '../../common/history/fixtures.js';
import { checkLinearizable } from './check.js';
import { createModel } from './models/index.js';
import { checkLinearizableParallel } from './parallel.js';

test('first violation: c50-bad stops at key 0, in one thread and split across workers', async () => {
  const { operations } = await readOperations(join(SHARED_HISTORIES, 'kv', 'c50-bad.jsonl'));
  const options = { nowMs: () => performance.now(), firstViolation: true };
  const single = checkLinearizable(createModel('kv'), operations, options);
  assert.equal(single.valid, false);
  assert.equal(single.counterexample?.key, '0');
  assert.deepEqual(single.keyResults.map((item) => item.key), ['0']);
  for (const split of [{ easyKeyBudgetMs: 0 }, { easyKeyBudgetMs: 250 }, { upfrontSplitOperations: 0 }]) {
    const result = await checkLinearizableParallel('kv', {}, operations, { ...options, workers: 2, ...split });
    assert.equal(result.valid, false);
    assert.equal(result.counterexample?.key, '0');
    assert.deepEqual(result.keyResults.map((item) => item.key), ['0']);
  }
  const every = checkLinearizable(createModel('kv'), operations, { nowMs: () => performance.now() });
  assert.deepEqual(every.keyResults.map((item) => item.key), ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
});
