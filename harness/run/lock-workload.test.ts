import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputFromEvents } from '../../checkers/checker.js';
import type { ProcessId } from '../../common/history/types.js';
import { SeededRandom } from '../../common/random.js';
import type { GeneratorContext, OperationRequest, Workload } from '../../workloads/index.js';
import { lockFencingWorkload, lockWorkload } from '../../workloads/lock.js';
import { judgeWorkload } from '../../workloads/testing/check.js';
import { runWorkers } from './workers.js';
import { ManualScheduler } from '../../common/testing/manual-scheduler.js';
import { InMemorySystem, type FakeBugs } from '../../workloads/testing/fakes.js';
import { onFixedKeys } from '../../workloads/testing/keyed.js';

function run(workload: Workload, bugs: FakeBugs, seed = 4) {
  const scheduler = new ManualScheduler();
  const system = new InMemorySystem({ scheduler, bugs, seed });
  const generator = onFixedKeys(workload, 2, { operationsPerKey: 40 });
  const workers = runWorkers({ scheduler, generator, concurrency: 8, seed, openClient: (_worker, process) => system.client(process) });
  assert.ok(workers.finished(), 'every cycle ends');
  return inputFromEvents(workers.events);
}

/** Each process's ok operations on each key, in order, as "f f f". */
function cyclesByProcess(input: ReturnType<typeof run>): Map<ProcessId, string> {
  const byProcess = new Map<ProcessId, string[]>();
  for (const operation of input.operations) {
    if (operation.status !== 'ok') continue;
    const list = byProcess.get(operation.process) ?? [];
    list.push(operation.f);
    byProcess.set(operation.process, list);
  }
  return new Map([...byProcess].map(([process, list]) => [process, list.join(' ')]));
}

describe('lock workload', () => {
  it('runs whole cycles: acquire, enter, exit, release, and nothing else', () => {
    const input = run(lockWorkload, {});
    assert.deepEqual(new Set(input.operations.map((operation) => operation.f)), new Set(lockWorkload.functions));
    for (const [process, cycles] of cyclesByProcess(input)) {
      assert.match(cycles, /^(acquire enter exit release ?)+$/, `process ${String(process)}: ${cycles}`);
    }
    assert.equal(input.operations.filter((operation) => operation.f === 'acquire').length, 80, 'the budget: 40 acquires per key');
  });

  it('passes every checker against a correct lock', () => {
    const verdicts = judgeWorkload(lockWorkload, run(lockWorkload, {}));
    for (const [name, judgement] of Object.entries(verdicts)) assert.equal(judgement.valid, true, `${name}: ${judgement.sentence}`);
  });

  it('fails lock safety and the mutex model when a lock has two holders', () => {
    const verdicts = judgeWorkload(lockWorkload, run(lockWorkload, { doubleGrant: true }));
    assert.equal(verdicts.lock!.valid, false);
    assert.match(verdicts.lock!.sentence!, /both held the lock k\d/);
    assert.equal(verdicts['linearizability:mutex']!.valid, false);
  });

  it('starts a fresh process free, and a holder that lost its lock releases without entering', () => {
    const generator = lockWorkload.keyGenerator({ operationsPerKey: 10 });
    const context: GeneratorContext = { random: new SeededRandom(1), worker: 0, process: 0, nowMs: 0 };
    const ask = (asking = context): string => (generator.next(asking) as { request: OperationRequest }).request.f;
    const acquired = { request: { f: 'acquire', value: null }, outcome: { type: 'ok', value: { path: '/l', token: 3 } } } as const;
    assert.equal(ask(), 'acquire');
    generator.update!(context, acquired);
    assert.equal(ask(), 'enter');
    generator.update!(context, { request: { f: 'enter', value: null }, outcome: { type: 'fail', error: 'lock-lost' } });
    assert.equal(ask(), 'release');
    generator.update!(context, { request: { f: 'release', value: null }, outcome: { type: 'info', error: 'timeout' } });
    const fresh = { ...context, process: 5 };
    assert.equal(ask(fresh), 'acquire');
    generator.update!(fresh, acquired);
    // Had the worker moved to another process without telling, that process would still start free.
    assert.equal(ask({ ...context, process: 6 }), 'acquire');
  });

  it('waits for holders to let go once the budget is spent, then is done', () => {
    const generator = lockWorkload.keyGenerator({ operationsPerKey: 1 });
    const random = new SeededRandom(1);
    const first: GeneratorContext = { random, worker: 0, process: 0, nowMs: 0 };
    const second: GeneratorContext = { random, worker: 1, process: 1, nowMs: 0 };
    assert.equal((generator.next(first) as { request: OperationRequest }).request.f, 'acquire');
    assert.equal(generator.next(second), 'pending');
    generator.update!(first, { request: { f: 'acquire', value: null }, outcome: { type: 'fail', error: 'timeout' } });
    assert.equal(generator.next(second), 'done');
  });
});

describe('lock-fencing workload', () => {
  it('writes the resource with the token of its acquire, twice per hold', () => {
    const input = run(lockFencingWorkload, {});
    for (const [process, cycles] of cyclesByProcess(input)) {
      assert.match(cycles, /^(acquire write-resource write-resource release ?)+$/, `process ${String(process)}: ${cycles}`);
    }
    const tokens = input.operations.filter((operation) => operation.f === 'write-resource').map((operation) => operation.input);
    assert.ok(tokens.every((value) => typeof (value as { token: unknown }).token === 'number'));
  });

  it('passes with a correct resource, even when the lock has two holders', () => {
    for (const bugs of [{}, { doubleGrant: true }]) {
      const verdicts = judgeWorkload(lockFencingWorkload, run(lockFencingWorkload, bugs));
      for (const [name, judgement] of Object.entries(verdicts)) assert.equal(judgement.valid, true, `${name}: ${judgement.sentence}`);
    }
  });

  it('fails fencing when the resource takes stale tokens from a second holder', () => {
    const verdicts = judgeWorkload(lockFencingWorkload, run(lockFencingWorkload, { doubleGrant: true, acceptStaleTokens: true }));
    assert.equal(verdicts.fencing!.valid, false);
    assert.match(verdicts.fencing!.sentence!, /accepted token \d+ .* after it had accepted the larger token/);
  });
});
