/**
 * A brute-force linearizability checker for tiny histories: tries every order
 * that respects real time, with each info operation placed or left out. Slow
 * on purpose and obviously right, so the real search is tested against it.
 */
import assert from 'node:assert/strict';
import type { Operation } from '../../../common/history/types.js';
import { INVALID, type Model } from '../model.js';

const MAX_OPERATIONS = 10;

export function bruteForceLinearizable(model: Model<unknown, unknown>, operations: Operation[]): boolean {
  const prepared = operations
    .map((operation) => ({ operation, input: model.prepare(operation) }))
    .filter((item) => item.input !== null);
  assert.ok(prepared.length <= MAX_OPERATIONS, `brute force is for at most ${MAX_OPERATIONS} operations`);
  const placed = new Array<boolean>(prepared.length).fill(false);
  const known = prepared.map((item) => item.operation.status === 'ok');

  const search = (state: unknown): boolean => {
    if (prepared.every((_, index) => placed[index] || !known[index])) return true;
    for (let index = 0; index < prepared.length; index++) {
      if (placed[index] || !mayGoNext(index)) continue;
      const next = model.step(state, prepared[index]!.input, known[index]!);
      if (next === INVALID) continue;
      placed[index] = true;
      const found = search(next);
      placed[index] = false;
      if (found) return true;
    }
    return false;
  };

  // An operation may go next unless an unplaced, completed one returned before it was called.
  const mayGoNext = (candidate: number): boolean =>
    prepared.every(
      (other, index) =>
        placed[index] || !known[index] || other.operation.returnIndex > prepared[candidate]!.operation.callIndex,
    );

  return search(model.init());
}
