/**
 * The search against the brute-force checker on thousands of small random
 * histories, valid and invalid, for every model.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairEvents } from '../../common/history/index.js';
import { groupByKey } from '../checker.js';
import { checkLinearizable } from './check.js';
import { createModel } from './models/index.js';
import { bruteForceLinearizable } from './testing/brute-force.js';
import { randomSmallHistory, type Flavor } from './testing/random-history.js';

const FLAVORS: Flavor[] = ['register', 'cas-register', 'kv', 'mutex', 'multi-register'];
const SEEDS_PER_FLAVOR = 1500;
const options = { nowMs: () => 0 };

for (const flavor of FLAVORS) {
  test(`${flavor}: the search agrees with brute force on ${SEEDS_PER_FLAVOR} random histories`, () => {
    const model = createModel(flavor);
    const verdicts = { valid: 0, invalid: 0 };
    for (let seed = 1; seed <= SEEDS_PER_FLAVOR; seed++) {
      const events = randomSmallHistory(seed, flavor, 2 + (seed % 6), 2 + (seed % 3));
      const { operations } = pairEvents(events);
      let expected = true;
      for (const part of groupByKey(operations).values()) expected &&= bruteForceLinearizable(model, part);
      const result = checkLinearizable(model, operations, options);
      assert.equal(result.valid, expected, `seed ${seed}: ${JSON.stringify(events)}`);
      verdicts[expected ? 'valid' : 'invalid']++;
    }
    // Both kinds must be well represented, or this test proves little.
    assert.ok(verdicts.valid > SEEDS_PER_FLAVOR / 20, `only ${verdicts.valid} valid histories`);
    assert.ok(verdicts.invalid > SEEDS_PER_FLAVOR / 20, `only ${verdicts.invalid} invalid histories`);
  });
}
