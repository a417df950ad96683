/** --junit for `faultline test`: the JUnit file is rewritten after every run, so a job cut short still has one. */
import { loadStoredRun, type StoredRun } from '../../../reports/index-runs.js';
import { writeJunitFile } from '../../../reports/junit.js';

export function recordJunit(file: string | undefined, runs: StoredRun[], runDirectory: string): void {
  if (file === undefined) return;
  runs.push(loadStoredRun(runDirectory));
  writeJunitFile(file, runs, { name: 'faultline test' });
}
