/**
 * A safety invariant of the system under test seen broken by the simulator
 * after a step (one leader per epoch, committed entries never change...). A
 * system's step checks throw it; the simulator stops the run and the run
 * records it as a violation. An AssertionError: it is the system's bug, not
 * a user's mistake.
 */
import { AssertionError } from 'node:assert/strict';

export class InvariantViolation extends AssertionError {
  constructor(
    /** The invariant's name, e.g. "one-leader-per-epoch". */
    readonly invariant: string,
    readonly node: string,
    detail: string,
  ) {
    super({ message: `invariant ${invariant} broken on ${node}: ${detail}` });
    this.name = 'InvariantViolation';
  }
}
