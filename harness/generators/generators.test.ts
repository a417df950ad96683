import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRandom } from '../../common/random.js';
import type { GeneratorContext, OperationGenerator } from '../../workloads/index.js';
import { eachWorker, fromList, independentKeys, limit, mix, once, phases, repeat, sleep, stagger, timeLimit } from './index.js';
import { invocations, millis, runEcho } from './testing.js';
import { lockWorkload } from '../../workloads/lock.js';

const read = repeat(() => ({ f: 'read', value: null }));

function counter(name: string): OperationGenerator {
  let count = 0;
  return repeat(() => ({ f: name, value: count++ }));
}

describe('generators', () => {
  it('are deterministic: the same seed gives the same history, another seed another', () => {
    const make = () => limit(300, stagger(5, mix([[counter('a'), 1], [counter('b'), 2]])));
    const first = runEcho(make(), 4, 42);
    assert.equal(invocations(first).length, 300);
    assert.deepEqual(runEcho(make(), 4, 42), first);
    assert.notDeepEqual(runEcho(make(), 4, 43), first);
  });

  it('limit hands out exactly that many operations, then stays done', () => {
    const generator = limit(7, read);
    assert.equal(invocations(runEcho(generator, 3)).length, 7);
    const context: GeneratorContext = { random: new SeededRandom(1), worker: 0, process: 0, nowMs: 0 };
    assert.equal(generator.next(context), 'done');
  });

  it('mix chooses by weight, within tolerance', () => {
    const generator = mix([[counter('a'), 1], [counter('b'), 3], [counter('never'), 0]]);
    const context: GeneratorContext = { random: new SeededRandom(8), worker: 0, process: 0, nowMs: 0 };
    const counts = new Map<string, number>();
    for (let draw = 0; draw < 8000; draw++) {
      const step = generator.next(context) as { request: { f: string } };
      counts.set(step.request.f, (counts.get(step.request.f) ?? 0) + 1);
    }
    assert.equal(counts.get('never'), undefined);
    const share = counts.get('b')! / 8000;
    assert.ok(Math.abs(share - 0.75) < 0.02, `b was ${share} of the operations`);
  });

  it('mix drops exhausted generators and is done when all are', () => {
    const events = invocations(runEcho(mix([[once({ f: 'a', value: 1 }), 5], [limit(4, counter('b')), 1]]), 2));
    assert.deepEqual(events.map((event) => event.f).sort(), ['a', 'b', 'b', 'b', 'b']);
  });

  it('stagger spaces operations by its mean, across all workers', () => {
    const events = invocations(runEcho(limit(2000, stagger(10, read)), 5, 3, { maxLatencyMs: 2 }));
    const spanMs = millis(events[events.length - 1]!) - millis(events[0]!);
    assert.ok(Math.abs(spanMs / 1999 - 10) < 1, `mean interval ${spanMs / 1999} ms`);
    const gaps = events.slice(1).map((event, index) => millis(event) - millis(events[index]!));
    assert.ok(gaps.every((gap) => gap >= 0));
    assert.ok(gaps.filter((gap) => gap > 20).length > 150, 'exponential gaps: some are long');
  });

  it('timeLimit hands out nothing after the limit, and wakes waiting workers to finish', () => {
    const events = runEcho(timeLimit(1000, limit(1000, repeat(() => ({ f: 'read', value: null })))), 3, 5);
    const invoked = invocations(events);
    assert.ok(invoked.length > 100);
    assert.ok(invoked.every((event) => millis(event) < 1000), 'nothing invoked after the limit');
    const staggered = invocations(runEcho(timeLimit(1000, stagger(50, read)), 3, 5));
    // Handed out before the limit, an operation still waits out its delay.
    assert.ok(staggered.every((event) => millis(event) < 1000 + 500), 'nothing long after the limit');
    assert.ok(Math.abs(staggered.length - 20) < 10, `about 1000 / 50 operations: ${staggered.length}`);
    const waiting = runEcho(timeLimit(300, phases([once({ f: 'a', value: null }), sleep(10_000)])), 2);
    assert.equal(invocations(waiting).length, 1);
  });

  it('timeLimit still hands a worker the steps it owes (a lock holder its release), and nothing new', () => {
    const cycles = independentKeys({ workersPerKey: 4, keyGenerator: () => lockWorkload.keyGenerator({ operationsPerKey: 1000 }) });
    const events = invocations(runEcho(timeLimit(3000, stagger(20, cycles)), 4, 9));
    const late = events.filter((event) => millis(event) >= 3000);
    assert.ok(late.length > 0, 'a cycle ran across the limit');
    assert.ok(late.every((event) => event.f !== 'acquire'), `no acquire after the limit: ${late.map((event) => event.f).join(', ')}`);
    for (const process of new Set(events.map((event) => event.process))) {
      const own = events.filter((event) => event.process === process).map((event) => event.f);
      assert.equal(own.at(-1), 'release', `process ${process} let go: ${own.join(', ')}`);
    }
  });

  it('phases run one after another: the next begins when every operation of the last has completed', () => {
    const entered: Array<[number, number]> = [];
    const generator = phases([limit(20, counter('first')), sleep(100), limit(20, counter('second'))], {
      onEnter: (phase, nowMs) => entered.push([phase, nowMs]),
    });
    const events = runEcho(generator, 4, 9, { maxLatencyMs: 30 });
    const lastFirst = Math.max(...events.filter((event) => event.f === 'first').map(millis));
    const firstSecond = Math.min(...events.filter((event) => event.f === 'second').map(millis));
    assert.ok(firstSecond >= lastFirst + 100, `second began at ${firstSecond}, first ended at ${lastFirst}`);
    assert.deepEqual(
      entered.map(([phase]) => phase),
      [0, 1, 2],
    );
    assert.ok(Math.abs(entered[1]![1] - lastFirst) < 1e-6, 'the sleep began when the last first operation completed');
  });

  it('eachWorker gives every worker its own copy', () => {
    const events = invocations(runEcho(eachWorker(3, (worker) => fromList([{ f: 'read', value: worker }, { f: 'write', value: worker }])), 3));
    assert.equal(events.length, 6);
    for (const worker of [0, 1, 2]) {
      assert.deepEqual(
        events.filter((event) => event.process === worker).map((event) => [event.f, event.value]),
        [
          ['read', worker],
          ['write', worker],
        ],
      );
    }
  });
});

describe('independent keys', () => {
  it('gives each key to one group of workers for a bounded number of operations, then rotates', () => {
    const generator = independentKeys({ workersPerKey: 2, keyGenerator: () => limit(10, read) });
    const events = runEcho(limit(200, generator), 6, 4, { infoRate: 0.1 });
    const invoked = invocations(events);
    const byKey = new Map<string, typeof invoked>();
    for (const event of invoked) byKey.set(String(event.key), [...(byKey.get(String(event.key)) ?? []), event]);
    assert.deepEqual([...byKey.keys()].sort(), [...generator.keysUsed()].sort());
    assert.ok(generator.keysUsed().length >= 20);
    for (const [key, keyEvents] of byKey) {
      assert.ok(keyEvents.length <= 10, `key ${key} got ${keyEvents.length} operations`);
      // Processes change after info, but each key's processes come from one pair of worker slots.
      const slots = new Set(keyEvents.map((event) => Math.floor(slotOf(events, event) / 2)));
      assert.equal(slots.size, 1, `key ${key} was worked on by more than one group`);
    }
  });
});

/** The worker slot of an event's process: processes 0..5 are slots 0..5; fresh processes take over a slot. */
function slotOf(events: ReturnType<typeof runEcho>, event: ReturnType<typeof runEcho>[number]): number {
  const process = event.process as number;
  if (process < 6) return process;
  // A fresh process continues the slot of the process whose info it follows: find the chain.
  const infos = events.filter((candidate) => candidate.type === 'info');
  const successors = new Map<number, number>();
  let next = 6;
  for (const info of infos) successors.set(next++, info.process as number);
  let slot = process;
  while (slot >= 6) slot = successors.get(slot)!;
  return slot;
}
