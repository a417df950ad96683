import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../../../common/random.js';
import { EventQueue } from './heap.js';

function queue(capacity = 1 << 20): EventQueue<string> {
  return new EventQueue<string>(capacity, () => {
    throw new Error('full');
  }, 4);
}

function drain(events: EventQueue<string>): string[] {
  const order: string[] = [];
  for (let item = events.pop(); item !== undefined; item = events.pop()) order.push(item);
  return order;
}

test('pops in time order, and equal times in insertion order', () => {
  const events = queue();
  events.push(30, 'c');
  events.push(10, 'a1');
  events.push(20, 'b');
  events.push(10, 'a2');
  events.push(10, 'a3');
  events.push(0, 'first');
  assert.deepEqual(drain(events), ['first', 'a1', 'a2', 'a3', 'b', 'c']);
});

test('matches a stable sort on random pushes interleaved with pops', () => {
  const random = new SeededRandom(42);
  const events = queue();
  const reference: { time: number; order: number; name: string }[] = [];
  const popped: string[] = [];
  const expected: string[] = [];
  let order = 0;
  for (let round = 0; round < 5000; round++) {
    if (random.next() < 0.6) {
      const time = random.integer(0, 50);
      const name = `e${order}`;
      events.push(time, name);
      reference.push({ time, order: order++, name });
    } else if (reference.length > 0) {
      reference.sort((left, right) => left.time - right.time || left.order - right.order);
      expected.push((reference.shift() as { name: string }).name);
      popped.push(events.pop() as string);
    }
  }
  assert.deepEqual(popped, expected);
  assert.equal(events.size, reference.length);
});

test('peekTimeUs and poppedTimeUs report times; Infinity when empty', () => {
  const events = queue();
  assert.equal(events.peekTimeUs(), Infinity);
  events.push(7, 'x');
  assert.equal(events.peekTimeUs(), 7);
  events.pop();
  assert.equal(events.poppedTimeUs, 7);
});

test('a full queue calls onFull, and bad times are rejected', () => {
  const events = queue(3);
  events.push(1, 'a');
  events.push(2, 'b');
  events.push(3, 'c');
  assert.throws(() => events.push(4, 'd'), /full/);
  assert.throws(() => queue().push(1.5, 'x'), /whole number/);
  assert.throws(() => queue().push(-1, 'x'), /whole number/);
});
