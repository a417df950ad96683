import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputFromEvents, type RoleSample } from '../../checkers/checker.js';
import { SeededRandom } from '../../common/random.js';
import type { GeneratorContext, OperationRequest, Step } from '../../workloads/index.js';
import { registerWorkload } from '../../workloads/register.js';
import { judgeWorkload } from '../../workloads/testing/check.js';
import { runWorkers } from './workers.js';
import { ManualScheduler } from '../../common/testing/manual-scheduler.js';
import { InMemorySystem, type FakeBugs } from '../../workloads/testing/fakes.js';
import { onFixedKeys } from '../../workloads/testing/keyed.js';

function requestsOf(seed: number, count: number): Array<Step> {
  const generator = registerWorkload.keyGenerator({ operationsPerKey: count });
  const context: GeneratorContext = { random: new SeededRandom(seed), worker: 0, process: 0, nowMs: 0 };
  return Array.from({ length: count + 1 }, () => generator.next(context));
}

/** A run of the register workload against the in-memory system, with its checker input. */
function run(bugs: FakeBugs, seed = 3) {
  const scheduler = new ManualScheduler();
  const system = new InMemorySystem({ scheduler, bugs, seed });
  const generator = onFixedKeys(registerWorkload, 2, { operationsPerKey: 150 });
  const roles: RoleSample[] = [{ time: 0, node: 'n1', role: 'leader', epoch: 1 }];
  const workers = runWorkers({ scheduler, generator, concurrency: 6, seed, openClient: (_worker, process) => system.client(process) });
  assert.ok(workers.finished());
  return inputFromEvents(workers.events, { roles, finalStates: system.finalStates() });
}

describe('register workload', () => {
  it('produces read, write and cas with the documented values, then is done', () => {
    const steps = requestsOf(11, 300);
    assert.equal(steps.pop(), 'done');
    const requests = steps.map((step) => (step as { request: OperationRequest }).request);
    const written = new Set<number>();
    for (const request of requests) {
      assert.equal(request.key, undefined, 'the harness sets keys');
      if (request.f === 'read') assert.equal(request.value, null);
      else if (request.f === 'write') written.add(request.value as number);
      else {
        assert.equal(request.f, 'cas');
        const [from, to] = request.value as [number, number];
        assert.ok(written.has(from), `cas expects ${from}, a value written before`);
        written.add(to);
      }
    }
    const writers = requests.filter((request) => request.f !== 'read').length;
    assert.equal(written.size, writers, 'every write and cas writes a value of its own');
    const counts = new Map<string, number>();
    for (const request of requests) counts.set(request.f, (counts.get(request.f) ?? 0) + 1);
    for (const f of registerWorkload.functions) assert.ok((counts.get(f) ?? 0) > 60, `${f}: ${counts.get(f)}`);
  });

  it('is deterministic: the same seed gives the same operations', () => {
    assert.deepEqual(requestsOf(5, 100), requestsOf(5, 100));
    assert.notDeepEqual(requestsOf(5, 100), requestsOf(6, 100));
  });

  it('reads every key at the end', () => {
    assert.deepEqual(registerWorkload.finalOperations(['0', '7']), [
      { f: 'read', key: '0', value: null },
      { f: 'read', key: '7', value: null },
    ]);
  });

  it('passes every checker against a correct register', () => {
    const input = run({});
    const verdicts = judgeWorkload(registerWorkload, input);
    for (const [name, judgement] of Object.entries(verdicts)) assert.equal(judgement.valid, true, `${name}: ${judgement.sentence}`);
    const cases = input.operations.filter((operation) => operation.f === 'cas');
    assert.ok(cases.some((operation) => operation.status === 'ok'), 'some cas succeed');
    assert.ok(cases.some((operation) => operation.status === 'fail'), 'some cas fail');
    assert.ok(input.events.some((event) => (event as { node?: string }).node === 'n1'), 'completions name the node');
  });

  it('fails linearizability when reads are stale', () => {
    const verdicts = judgeWorkload(registerWorkload, run({ staleReads: true }));
    assert.equal(verdicts['linearizability:cas-register']!.valid, false);
  });
});
