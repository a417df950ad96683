/** Hard keys checked in worker threads give the same verdicts as one thread. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFaultlineError } from '../../common/errors.js';
import { pairEvents, type HistoryEvent } from '../../common/history/index.js';
import { checkLinearizable } from './check.js';
import { createModel } from './models/index.js';
import { checkLinearizableParallel } from './parallel.js';
import { generateRegisterHistory } from './testing/generate.js';

function generated(seed: number): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  generateRegisterHistory({ seed, operations: 20_000, processes: 30, keys: 8, infoRate: 0.02, valueRange: 4 }, (event) => events.push(event));
  return events;
}

const options = { nowMs: () => performance.now(), timeoutMs: 60_000, workers: 2, easyKeyBudgetMs: 0 };

test('a valid multi-key history is valid through the workers too', async () => {
  const { operations } = pairEvents(generated(3));
  const result = await checkLinearizableParallel('cas-register', {}, operations, options);
  assert.equal(result.valid, true);
  assert.equal(result.keys, 8);
  assert.equal(result.ops, operations.length);
  assert.equal(result.keysInWorkers, 8);
});

test('a violation found in a worker matches the one-thread counterexample', async () => {
  const events = generated(4);
  const victim = events.find((event) => event.type === 'ok' && event.f === 'read' && event.key === 'k5')!;
  const mutated = events.map((event) => (event === victim ? { ...event, value: 99 } : event));
  const { operations } = pairEvents(mutated);
  const parallel = await checkLinearizableParallel('cas-register', {}, operations, options);
  const single = checkLinearizable(createModel('cas-register'), operations, options);
  assert.equal(parallel.valid, false);
  assert.equal(parallel.keysInWorkers, 8);
  assert.equal(parallel.counterexample?.key, 'k5');
  assert.equal(parallel.counterexample?.sentence, single.counterexample?.sentence);
  assert.deepEqual(
    parallel.keyResults.filter((key) => key.valid !== true).map((key) => key.key),
    ['k5'],
  );
  const upfront = await checkLinearizableParallel('cas-register', {}, operations, { ...options, easyKeyBudgetMs: 250, upfrontSplitOperations: 0 });
  assert.equal(upfront.counterexample?.sentence, single.counterexample?.sentence);
  // Which thread takes which key depends on timing; each key is checked, and counted, once.
  assert.equal(upfront.keys, 8);
  assert.deepEqual(upfront.keyResults.map((key) => key.key), parallel.keyResults.map((key) => key.key));
});

test('a history the model cannot read fails with the same typed error from a worker', async () => {
  const events = generated(5).map((event) => (event.key === 'k2' && event.f === 'read' ? { ...event, f: 'scan' } : event));
  const { operations } = pairEvents(events);
  await assert.rejects(checkLinearizableParallel('cas-register', {}, operations, options), (error: unknown) => {
    assert.ok(isFaultlineError(error));
    assert.equal(error.code, 'E_HISTORY');
    assert.match(error.message, /no operation "scan"/);
    return true;
  });
});
