/** Exit codes of DESIGN.md, for CI. */
export const EXIT_VALID = 0;
export const EXIT_VIOLATION = 1;
export const EXIT_UNKNOWN = 2;
export const EXIT_USAGE = 3;
export const EXIT_INFRASTRUCTURE = 4;

export type Verdict = true | false | 'unknown';

/** The exit code for a set of verdicts: a violation beats unknown beats valid. */
export function exitCodeFor(verdicts: Iterable<Verdict>): number {
  let code = EXIT_VALID;
  for (const verdict of verdicts) {
    if (verdict === false) return EXIT_VIOLATION;
    if (verdict === 'unknown') code = EXIT_UNKNOWN;
  }
  return code;
}
