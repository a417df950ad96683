/**
 * Teardown as a stack of undo steps: each setup step pushes its undo before it
 * runs, so a setup that fails halfway is undone as far as it got. Unwinding
 * runs every step in reverse order, each bounded by a timeout, and collects
 * the failures instead of stopping at the first.
 */
import assert from 'node:assert/strict';
import { FaultlineError } from '../../../common/errors.js';
import { withTimeout } from './host-commands.js';

const MAX_STEPS = 10_000;
export const UNDO_TIMEOUT_MS = 15_000;

interface UndoStep {
  label: string;
  undo: () => Promise<void>;
}

export class UndoStack {
  private readonly steps: UndoStep[] = [];
  private unwinding: Promise<string[]> | undefined;

  push(label: string, undo: () => Promise<void>): void {
    assert.ok(this.unwinding === undefined, `undo step "${label}" pushed after teardown began`);
    assert.ok(this.steps.length < MAX_STEPS, 'too many undo steps');
    this.steps.push({ label, undo });
  }

  /** Runs every step once, newest first; later calls get the same answer. Returns the failures. */
  unwind(): Promise<string[]> {
    this.unwinding ??= this.runAll();
    return this.unwinding;
  }

  /** Unwinds and throws one error naming every failed step, after all of them ran. */
  async unwindOrThrow(): Promise<void> {
    const failures = await this.unwind();
    if (failures.length > 0) {
      throw new FaultlineError('E_INFRASTRUCTURE', `teardown left ${failures.length} step(s) undone:\n  ${failures.join('\n  ')}`, {
        hint: 'run faultline clean to remove what is left',
      });
    }
  }

  private async runAll(): Promise<string[]> {
    const failures: string[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop() as UndoStep;
      try {
        await withTimeout(step.undo(), UNDO_TIMEOUT_MS, step.label);
      } catch (error) {
        failures.push(`${step.label}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    return failures;
  }
}
