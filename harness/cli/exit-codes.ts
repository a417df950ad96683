/** Exit codes of DESIGN.md, for CI. */
import { combineVerdicts, type Verdict } from '../../checkers/checker.js';

export const EXIT_VALID = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_UNKNOWN = 2;
export const EXIT_USAGE = 3;
export const EXIT_INFRASTRUCTURE = 4;

/** When the infrastructure failed, that is the news (4); a violation found before it still stands (1). */
export function withInfrastructure(code: number, infrastructureFailed: boolean): number {
  return infrastructureFailed && code !== EXIT_VIOLATION ? EXIT_INFRASTRUCTURE : code;
}

/** The exit code for a set of verdicts: a violation beats unknown beats valid. */
export function exitCodeFor(verdicts: Iterable<Verdict>): number {
  const combined = combineVerdicts([...verdicts].map((valid) => ({ valid })));
  if (combined === false) return EXIT_VIOLATION;
  return combined === 'unknown' ? EXIT_UNKNOWN : EXIT_VALID;
}
