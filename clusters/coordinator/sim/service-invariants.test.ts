import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InvariantViolation, invariantShape } from '../../../common/invariant-violation.js';
import type { OrphanedEphemeral } from '../service/state-machine.js';
import { checkServiceInvariants } from './service-invariants.js';

test('a node holding an ephemeral of a session it no longer has breaks ephemeral-owner-live, in words a person reads', () => {
  const orphan: OrphanedEphemeral = { path: '/locks/0/lock-0000000004', owner: 27, position: 412 };
  assert.doesNotThrow(() => checkServiceInvariants('n2', { orphanedEphemeral: () => null }));
  assert.throws(
    () => checkServiceInvariants('n2', { orphanedEphemeral: () => orphan }),
    (error: unknown) => {
      assert.ok(error instanceof InvariantViolation);
      assert.deepEqual([error.invariant, error.node, invariantShape(error.message)], ['ephemeral-owner-live', 'n2', 'invariant ephemeral-owner-live broken']);
      assert.match(error.message, /on n2: it holds the ephemeral \/locks\/0\/lock-0000000004 of session 27, which its state no longer has \(applied through position 412\)/);
      return true;
    },
  );
});
