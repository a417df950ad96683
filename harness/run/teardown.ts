/**
 * Undo steps registered before the setup they undo (as Playwright's tasks
 * do), run in reverse order, each bounded in time, every one attempted even
 * when an earlier one fails.
 */
import assert from 'node:assert/strict';

const STEP_TIMEOUT_MS = 30_000;
const MAX_STEPS = 1000;

interface Step {
  name: string;
  undo: () => Promise<unknown>;
}

export class Teardown {
  private readonly steps: Step[] = [];
  private ran = false;

  add(name: string, undo: () => Promise<unknown>): void {
    assert.ok(!this.ran, `teardown step "${name}" added after teardown ran`);
    assert.ok(this.steps.length < MAX_STEPS, 'too many teardown steps');
    this.steps.push({ name, undo });
  }

  /** Runs every step, newest first, once; returns one line per step that failed. */
  async run(): Promise<string[]> {
    if (this.ran) return [];
    this.ran = true;
    const failures: string[] = [];
    for (const step of [...this.steps].reverse()) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`did not finish within ${STEP_TIMEOUT_MS / 1000} s`)), STEP_TIMEOUT_MS);
      });
      try {
        await Promise.race([step.undo(), timeout]);
      } catch (error) {
        failures.push(`${step.name}: ${(error as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
    }
    return failures;
  }
}
