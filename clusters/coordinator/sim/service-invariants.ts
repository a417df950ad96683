/**
 * The replicated state machine's safety invariant, checked on a node after
 * every simulation step beside the consensus invariants (invariants.ts):
 *
 * - ephemeral-owner-live: every ephemeral node's owner session is live in
 *   the state of the replica that holds it. Only a live session creates an
 *   ephemeral, and the entry that closes or expires a session deletes its
 *   ephemerals, so this holds after every entry applied and every snapshot
 *   installed (a snapshot is a correct replica's state), on every replica,
 *   at every moment. A replica that drops a session but keeps its
 *   ephemerals (ZOOKEEPER-2355) breaks it at the step it does so; the
 *   ephemerals checker would see it only after recovery, at the run's end.
 *
 * The state machine keeps its answer until its state changes, so a step
 * that changed nothing (most do) costs one call.
 */
import { InvariantViolation } from '../../../common/invariant-violation.js';
import type { CoordinatorNode } from '../node.js';
import type { Address } from '../world.js';

export type ServiceInvariantName = 'ephemeral-owner-live';

export function checkServiceInvariants(address: Address, node: Pick<CoordinatorNode, 'orphanedEphemeral'>): void {
  const orphan = node.orphanedEphemeral();
  if (orphan === null) return;
  const name: ServiceInvariantName = 'ephemeral-owner-live';
  throw new InvariantViolation(
    name,
    address,
    `it holds the ephemeral ${orphan.path} of session ${orphan.owner}, which its state no longer has ` +
      `(applied through position ${orphan.position}): the session ended without deleting it, and nothing else will`,
  );
}
