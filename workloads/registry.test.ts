import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError } from '../common/errors.js';
import { WORKLOAD_NAMES, WORKLOADS, workloadNamed } from './index.js';

describe('workload registry', () => {
  it('finds each workload by its name', () => {
    assert.deepEqual([...WORKLOAD_NAMES].sort(), ['lock', 'lock-fencing', 'register', 'sequence']);
    for (const name of WORKLOAD_NAMES) assert.equal(workloadNamed(name).name, name);
  });

  it('is keyed by the one list of names, in its order', () => {
    assert.deepEqual(Object.keys(WORKLOADS), [...WORKLOAD_NAMES]);
  });

  it('refuses an unknown name with a usage error that lists the valid ones', () => {
    for (const name of ['queue', 'toString', '']) {
      assert.throws(
        () => workloadNamed(name),
        (error: unknown) =>
          error instanceof UsageError &&
          error.message === `unknown workload "${name}"` &&
          error.where === '--workload' &&
          error.hint === 'choose one of: register, lock, lock-fencing, sequence',
      );
    }
  });
});
