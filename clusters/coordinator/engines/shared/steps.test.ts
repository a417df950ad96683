import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EngineSteps } from './steps.js';

test('a callback held inside nested steps runs once the outermost step returned, in the order held', () => {
  const steps = new EngineSteps();
  const seen: string[] = [];
  const state = { role: 'leader' };
  steps.run(() => {
    steps.afterStep(() => seen.push(`first sees ${state.role}`));
    steps.run(() => steps.afterStep(() => seen.push(`second sees ${state.role}`)));
    assert.deepEqual(seen, [], 'nothing runs inside the step');
    state.role = 'follower';
  });
  assert.deepEqual(seen, ['first sees follower', 'second sees follower']);
});

test('callbacks held by a step that a callback starts run after those held before them', () => {
  const steps = new EngineSteps();
  const seen: string[] = [];
  steps.run(() => {
    steps.afterStep(() => {
      seen.push('a');
      steps.run(() => steps.afterStep(() => seen.push('c')));
    });
    steps.afterStep(() => seen.push('b'));
  });
  assert.deepEqual(seen, ['a', 'b', 'c']);
});

test('a step returns its value, and one that throws holds its callbacks for the next step', () => {
  const steps = new EngineSteps();
  const seen: string[] = [];
  assert.equal(steps.run(() => 7), 7);
  assert.throws(() =>
    steps.run(() => {
      steps.afterStep(() => seen.push('held'));
      throw new Error('boom');
    }),
  );
  assert.deepEqual(seen, []);
  steps.run(() => undefined);
  assert.deepEqual(seen, ['held']);
});

test('a callback to the service is only ever produced inside a step', () => {
  assert.throws(() => new EngineSteps().afterStep(() => undefined), /inside an engine step/);
});
