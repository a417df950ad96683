import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../../common/random.js';
import { EntryList, NONE } from './entries.js';

/** The list's entries from head, as [operation, isCall] pairs. */
function walk(list: EntryList): [number, number][] {
  const entries: [number, number][] = [];
  for (let entry = list.next[list.head]!; entry !== NONE; entry = list.next[entry]!) {
    entries.push([list.operation[entry]!, list.isCall[entry]!]);
  }
  return entries;
}

/** The order by definition: time, a return before a call at equal times, then operation order. */
function expected(call: number[], returned: number[]): [number, number][] {
  const order: { time: number; operation: number; isCall: number; rank: number }[] = [];
  call.forEach((time, operation) => {
    order.push({ time, operation, isCall: 1, rank: 2 * operation });
    if (returned[operation] !== Infinity) order.push({ time: returned[operation]!, operation, isCall: 0, rank: 2 * operation + 1 });
  });
  order.sort((left, right) => left.time - right.time || left.isCall - right.isCall || left.rank - right.rank);
  return order.map((item) => [item.operation, item.isCall]);
}

test('entries are in time order, returns first at equal times, whether calls come sorted or not', () => {
  const random = new SeededRandom(11);
  for (let round = 0; round < 400; round++) {
    const count = random.integer(0, 40);
    const sortedCalls = random.chance(0.7);
    const call: number[] = [];
    const returned: number[] = [];
    let time = 0;
    for (let operation = 0; operation < count; operation++) {
      time += random.integer(0, 3);
      const start = sortedCalls ? time : random.integer(0, 60);
      call.push(start);
      // Some operations run long, so returns come far out of call order.
      returned.push(random.chance(0.15) ? Infinity : start + 1 + random.integer(0, random.chance(0.1) ? 80 : 6));
    }
    const list = new EntryList({ call, returned });
    assert.deepEqual(walk(list), expected(call, returned), JSON.stringify({ call, returned }));
    for (let operation = 0; operation < count; operation++) {
      const back = list.returnEntry[operation]!;
      assert.equal(back === NONE, returned[operation] === Infinity);
      if (back !== NONE) assert.deepEqual([list.operation[back], list.isCall[back]], [operation, 0]);
    }
  }
});

test('returns far out of order (past the insertion sort bound) still sort', () => {
  const count = 3000;
  const call = Array.from({ length: count }, (_, operation) => operation);
  const returned = Array.from({ length: count }, (_, operation) => 2 * count - operation);
  assert.deepEqual(walk(new EntryList({ call, returned })), expected(call, returned));
});
