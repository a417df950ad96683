/**
 * An engine's steps and the callbacks they owe the service. A step is one
 * entry into the engine: a message, a timer, a propose, a read barrier, a
 * stop. What a step tells the service (a read barrier's outcome) is held and
 * handed over only once the outermost step returned, when every transition
 * it made is complete: a leader stepping down fails its pending reads, and
 * the service, answering them, starts its next request at once; called in
 * the middle of the step-down, that request found a node still named leader
 * but without its leader state. Commits (onCommit) are not held: the service
 * applies them in order inside the step, and defers its own follow-ups.
 */
import assert from 'node:assert/strict';

/** More held callbacks than this means a step keeps producing callbacks that produce steps. */
const MAX_CALLBACKS_PER_DRAIN = 1_000_000;

export class EngineSteps {
  private depth = 0;
  private readonly held: Array<() => void> = [];

  /** Runs body as a step, or as part of the step already running; hands over what it held once the outermost returns. */
  run<T>(body: () => T): T {
    this.depth += 1;
    let result: T;
    try {
      result = body();
    } finally {
      this.depth -= 1;
    }
    if (this.depth === 0) this.handOver();
    return result;
  }

  /** Holds callback until the step running now is complete. */
  afterStep(callback: () => void): void {
    assert.ok(this.depth > 0, 'a callback to the service is produced only inside an engine step');
    this.held.push(callback);
  }

  /** A callback may start another step (a propose): that step hands over what is still held, in order. */
  private handOver(): void {
    for (let count = 0; this.held.length > 0; count++) {
      assert.ok(count < MAX_CALLBACKS_PER_DRAIN, 'engine callbacks keep producing callbacks');
      const callback = this.held.shift() as () => void;
      callback();
    }
  }
}
