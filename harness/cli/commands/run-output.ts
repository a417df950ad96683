/** How a run's results look to a person, for test, check <run-dir> and replay. */
import { relative } from 'node:path';
import { verdictWord, type CheckerResult } from '../../../checkers/checker.js';
import { describeExpected, describeJudgement, isExpectedViolation } from '../../../checkers/read-promises/index.js';
import type { RunResults } from '../../run/check-run.js';

/** A path relative to the working directory when it lies below it, else as given. */
export function shownPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside.startsWith('..') ? path : inside;
}

/** A checker's line; one whose property the read mode does not promise says its finding is expected and not counted. */
function checkerLine(name: string, result: CheckerResult, results: RunResults): string {
  const detail = result.valid === true ? '' : `  ${result.sentence ?? result.reason ?? ''}`;
  if (result.expectedUnder === undefined) return `  ${name.padEnd(30)} ${verdictWord(result.valid)}${detail}`;
  const word = `${verdictWord(result.valid)} (not counted)`;
  const expected = isExpectedViolation(result) ? `  ${describeExpected(result.expectedUnder, results.readMode)}.${detail}` : detail;
  return `  ${name.padEnd(30)} ${word}${expected}`;
}

/** One line per checker, with the sentence or reason of any that is not valid, then the verdict. */
export function describeResults(heading: string, results: RunResults, runDirectory: string, verdictLabel = 'verdict'): string {
  const lines = [heading];
  if (results.incomplete !== undefined) lines.push(`  incomplete: ${results.incomplete}`);
  if (results.readMode !== undefined) lines.push(`  ${describeJudgement(results.readMode)}`);
  for (const [name, result] of Object.entries(results.checkers)) lines.push(checkerLine(name, result, results));
  lines.push(`  ${verdictLabel}: ${verdictWord(results.valid)}   run: ${runDirectory}`);
  return `${lines.join('\n')}\n`;
}
