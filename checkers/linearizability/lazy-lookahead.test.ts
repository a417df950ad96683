/**
 * The kv model's lazy lookahead (a first pass without it, given up once it
 * backtracks) changes no verdict and no counterexample: the same histories
 * checked with it on and off agree, valid ones and ones with a get changed.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairEvents, type HistoryEvent } from '../../common/history/index.js';
import { SeededRandom } from '../../common/random.js';
import { checkLinearizable } from './check.js';
import { createModel } from './models/index.js';
import { generateRegisterHistory } from './testing/generate.js';

const options = { nowMs: () => performance.now(), timeoutMs: 30_000 };

function generate(seed: number): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const shape = { seed, operations: 200 + seed * 20, processes: 3 + (seed % 12), keys: 1 + (seed % 3), infoRate: 0.05, valueRange: 4 };
  generateRegisterHistory({ ...shape, flavor: 'kv' }, (event) => events.push(event));
  return events;
}

/** One ok get's value cut by its last character: often impossible, sometimes only late. */
function mutate(events: HistoryEvent[], seed: number): HistoryEvent[] {
  const gets = events.filter((event) => event.type === 'ok' && event.f === 'get' && typeof event.value === 'string' && event.value.length > 0);
  const victim = new SeededRandom(seed).pick(gets);
  return events.map((event) => (event === victim ? { ...event, value: (event.value as string).slice(0, -1) } : event));
}

test('kv: checked with and without the lazy first pass, verdicts and counterexamples agree', () => {
  const lazy = createModel('kv');
  assert.equal(lazy.lookaheadLazily, true, 'the kv model looks ahead lazily');
  const eager = { ...lazy, lookaheadLazily: false };
  const seen = { valid: 0, invalid: 0 };
  for (let seed = 1; seed <= 40; seed++) {
    for (const events of [generate(seed), mutate(generate(seed), seed)]) {
      const { operations } = pairEvents(events);
      const withLazy = checkLinearizable(lazy, operations, options);
      const withoutLazy = checkLinearizable(eager, operations, options);
      assert.equal(withLazy.valid, withoutLazy.valid, `seed ${seed}`);
      assert.deepEqual(withLazy.counterexample, withoutLazy.counterexample, `seed ${seed}`);
      seen[withLazy.valid === true ? 'valid' : 'invalid']++;
    }
  }
  assert.ok(seen.valid >= 40 && seen.invalid >= 10, `too few of one kind: ${JSON.stringify(seen)}`);
});
