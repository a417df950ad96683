/** How a run's results look to a person, for test, check <run-dir> and replay. */
import { relative } from 'node:path';
import { verdictWord } from '../../../checkers/checker.js';
import type { RunResults } from '../../run/check-run.js';

/** A path relative to the working directory when it lies below it, else as given. */
export function shownPath(path: string): string {
  const inside = relative(process.cwd(), path);
  return inside.startsWith('..') ? path : inside;
}

/** One line per checker, with the sentence or reason of any that is not valid, then the verdict. */
export function describeResults(heading: string, results: RunResults, runDirectory: string, verdictLabel = 'verdict'): string {
  const lines = [heading];
  if (results.incomplete !== undefined) lines.push(`  incomplete: ${results.incomplete}`);
  for (const [name, result] of Object.entries(results.checkers)) {
    const detail = result.valid === true ? '' : `  ${result.sentence ?? result.reason ?? ''}`;
    lines.push(`  ${name.padEnd(30)} ${verdictWord(result.valid)}${detail}`);
  }
  lines.push(`  ${verdictLabel}: ${verdictWord(results.valid)}   run: ${runDirectory}`);
  return `${lines.join('\n')}\n`;
}
