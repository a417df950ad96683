import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inputFromEvents } from '../../checkers/checker.js';
import { SeededRandom } from '../../common/random.js';
import { sequenceWorkload } from '../../workloads/sequence.js';
import { judgeWorkload } from '../../workloads/testing/check.js';
import { runWorkers } from './workers.js';
import { ManualScheduler } from '../../common/testing/manual-scheduler.js';
import { InMemorySystem, type FakeBugs } from '../../workloads/testing/fakes.js';
import { onFixedKeys } from '../../workloads/testing/keyed.js';

function run(bugs: FakeBugs, seed = 9) {
  const scheduler = new ManualScheduler();
  const system = new InMemorySystem({ scheduler, bugs, seed });
  const generator = onFixedKeys(sequenceWorkload, 3, { operationsPerKey: 100 });
  const workers = runWorkers({ scheduler, generator, concurrency: 6, seed, openClient: (_worker, process) => system.client(process) });
  assert.ok(workers.finished());
  return inputFromEvents(workers.events);
}

describe('sequence workload', () => {
  it('asks for next ids only, operationsPerKey of them', () => {
    const generator = sequenceWorkload.keyGenerator({ operationsPerKey: 3 });
    const context = { random: new SeededRandom(1), worker: 0, process: 0, nowMs: 0 };
    const steps = [1, 2, 3, 4].map(() => generator.next(context));
    assert.deepEqual(steps.slice(0, 3), Array(3).fill({ request: { f: 'next', value: null }, delayMs: 0 }));
    assert.equal(steps[3], 'done');
    assert.deepEqual(sequenceWorkload.finalOperations(['1']), []);
  });

  it('passes every checker against a correct sequence', () => {
    const input = run({});
    assert.equal(input.operations.length, 300);
    const verdicts = judgeWorkload(sequenceWorkload, input);
    for (const [name, judgement] of Object.entries(verdicts)) assert.equal(judgement.valid, true, `${name}: ${judgement.sentence}`);
  });

  it('fails when the sequence repeats an id', () => {
    const verdicts = judgeWorkload(sequenceWorkload, run({ repeatIds: true }));
    assert.equal(verdicts.sequence!.valid, false);
    assert.match(verdicts.sequence!.sentence!, /(both|all) got id \d+ from sequence k\d/);
  });
});
