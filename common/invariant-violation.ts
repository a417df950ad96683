/**
 * A safety invariant of the system under test seen broken by the simulator
 * after a step (one leader per epoch, committed entries never change...). A
 * system's step checks throw it; the simulator stops the run and the run
 * records it as a violation. An AssertionError: it is the system's bug, not
 * a user's mistake.
 */
import { AssertionError } from 'node:assert/strict';

/** The checker name a run's results give a broken invariant. */
export const CONSENSUS_INVARIANTS = 'consensus-invariants';

const MESSAGE_PATTERN = /^invariant (\S+) broken on /;

export class InvariantViolation extends AssertionError {
  constructor(
    /** The invariant's name, e.g. "one-leader-per-epoch". */
    readonly invariant: string,
    readonly node: string,
    detail: string,
  ) {
    // invariantShape reads this form back: keep the two together.
    super({ message: `invariant ${invariant} broken on ${node}: ${detail}` });
    this.name = 'InvariantViolation';
  }
}

/** What kind of break a stored violation message is, without its node or detail: "invariant X broken". */
export function invariantShape(message: string): string {
  const name = MESSAGE_PATTERN.exec(message)?.[1];
  return name === undefined ? 'an invariant broken' : `invariant ${name} broken`;
}
