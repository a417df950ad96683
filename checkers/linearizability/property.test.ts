/**
 * Histories made by running a sequential register under random concurrency
 * are linearizable; the same histories with one read changed to a value never
 * written are not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairEvents, type HistoryEvent } from '../../common/history/index.js';
import { SeededRandom } from '../../common/random.js';
import { checkLinearizable } from './check.js';
import { createModel } from './models/index.js';
import { generateRegisterHistory } from './testing/generate.js';

const IMPOSSIBLE_VALUE = -1;
const options = { nowMs: () => performance.now(), timeoutMs: 30_000 };

function generate(seed: number, operations: number): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const processes = 3 + (seed % 20);
  const keys = 1 + (seed % 4);
  generateRegisterHistory({ seed, operations, processes, keys, infoRate: 0.05, valueRange: 5 }, (event) => events.push(event));
  return events;
}

test('generated histories are always linearizable', () => {
  const model = createModel('cas-register');
  for (let seed = 1; seed <= 60; seed++) {
    const { operations } = pairEvents(generate(seed, 50 + seed * 10));
    const result = checkLinearizable(model, operations, options);
    assert.equal(result.valid, true, `seed ${seed}: ${result.reason ?? ''}`);
  }
});

test('changing one ok read to a value never written makes a generated history invalid', () => {
  const model = createModel('cas-register');
  for (let seed = 1; seed <= 60; seed++) {
    const events = generate(seed, 50 + seed * 10);
    const random = new SeededRandom(seed);
    const reads = events.filter((event) => event.type === 'ok' && event.f === 'read');
    const victim = random.pick(reads);
    const mutated = events.map((event) => (event === victim ? { ...event, value: IMPOSSIBLE_VALUE } : event));
    const result = checkLinearizable(model, pairEvents(mutated).operations, options);
    assert.equal(result.valid, false, `seed ${seed}`);
    assert.match(result.counterexample?.sentence ?? '', /no operation ever wrote -1/);
  }
});
