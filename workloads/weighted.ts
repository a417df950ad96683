/** Weighted choice, for workloads that mix operations. */
import assert from 'node:assert/strict';
import type { Random } from '../common/random.js';

/** One of the choices, with probability proportional to its weight. */
export function pickWeighted<T>(random: Random, choices: ReadonlyArray<readonly [T, number]>): T {
  const total = choices.reduce((sum, [, weight]) => sum + weight, 0);
  assert.ok(total > 0, 'pickWeighted needs a positive total weight');
  let point = random.next() * total;
  for (const [choice, weight] of choices) {
    if (point < weight) return choice;
    point -= weight;
  }
  // Rounding can leave point a hair above the total: take the last choice that can be chosen.
  return choices.filter(([, weight]) => weight > 0).pop()![0];
}
