/**
 * The "what went wrong" section: one view per checker that found a
 * violation, chosen by the checker's name; checkers without a drawing of
 * their own show their sentence and first anomalies.
 */
import type { CheckerInput } from '../../checkers/checker.js';
import { escapeHtml } from '../html.js';
import type { OperationSpan } from '../operations.js';
import type { Section, StoredCheckerResult, StoredResults } from '../report-types.js';
import { genericView } from './common.js';
import { crashView } from './crash.js';
import { linearizabilityView } from './linearizability.js';
import { lockView } from './lock.js';
import { sequenceView } from './sequence.js';
import { splitBrainView } from './split-brain.js';
import { expectedLabel, sequentialReadsView, writtenValuesView } from './read-promises.js';
import { breaksPromise, isExpectedViolation, SEQUENTIAL_READS, WRITTEN_VALUES } from '../../checkers/read-promises/index.js';

export interface AnomalyContext {
  spans: readonly OperationSpan[];
  /** The history as the checkers paired it; undefined when it breaks the pairing rules. */
  input: CheckerInput | undefined;
  endSeconds: number;
  /** "term" or "epoch". */
  epochWord: string;
}

function checkerView(name: string, result: StoredCheckerResult, context: AnomalyContext): Section {
  if (name.startsWith('linearizability')) return linearizabilityView(name, result);
  if (name === 'crash') return crashView(name, result);
  if (name === SEQUENTIAL_READS) return sequentialReadsView(name, result);
  if (name === WRITTEN_VALUES) return writtenValuesView(name, result);
  if (name === 'sequence') return sequenceView(name, result, context.spans);
  // Lock and split-brain draw with their checker's functions, which need the history as the checker paired it.
  const input = context.input;
  if (name === 'lock' && input !== undefined) return lockView(name, result, input.operations, context.endSeconds);
  if (name === 'split-brain' && input !== undefined) return splitBrainView(name, result, input, context.epochWord);
  return genericView(name, result);
}

function viewsOf(failed: ReadonlyArray<[string, StoredCheckerResult]>, context: AnomalyContext): Section[] {
  return failed.map(([name, stored]): Section => {
    // results.json may come from another tool or an older faultline: anomalies of an unexpected shape fall back to the plain view.
    const result = { ...stored, anomalies: Array.isArray(stored.anomalies) ? stored.anomalies : [] };
    try {
      return checkerView(name, result, context);
    } catch {
      return genericView(name, result);
    }
  });
}

/** The checkers' views in one section, each in its own block. */
function section(id: string, heading: string, intro: string, views: readonly Section[], labels: readonly string[] = []): Section {
  const html = `<section id="${id}"><h2>${heading}</h2><p>${intro}</p>` + views.map((view, index) => `<div class="anomaly">${labels[index] ?? ''}${view.html}</div>`).join('') + '</section>';
  return { html, charts: Object.assign({}, ...views.map((view) => view.charts)) as Record<string, unknown> };
}

/**
 * Failed checkers' views, or undefined when no checker found anything: the
 * violations first, then, apart and labelled, what the run's read mode allows.
 */
export function anomaliesSection(results: StoredResults | undefined, context: AnomalyContext): Section | undefined {
  if (results === undefined) return undefined;
  const entries = Object.entries(results.checkers);
  const failed = entries.filter(([, result]) => breaksPromise(result));
  const expected = entries.filter(([, result]) => isExpectedViolation(result));
  const parts: Section[] = [];
  if (failed.length > 0) {
    const names = failed.map(([name]) => escapeHtml(name)).join(', ');
    const intro = `${failed.length === 1 ? 'One checker' : `${failed.length} checkers`} found a violation: ${names}. Each is explained below with the stretch of history that shows it.`;
    parts.push(section('anomalies', 'What went wrong', intro, viewsOf(failed, context)));
  }
  if (expected.length > 0) {
    const mode = results.readMode?.name ?? 'of this run';
    const intro =
      `These findings check a stronger property than read mode ${escapeHtml(mode)} promises. They show the documented weaker mode at work, ` +
      'not a broken promise, and do not fail the run; the checkers of what the mode promises are in the verdicts above.';
    const labels = expected.map(([, result]) => expectedLabel(result.expectedUnder!, results.readMode));
    parts.push(section('expected', `Expected under read mode ${escapeHtml(mode)}`, intro, viewsOf(expected, context), labels));
  }
  if (parts.length === 0) return undefined;
  return { html: parts.map((part) => part.html).join(''), charts: Object.assign({}, ...parts.map((part) => part.charts)) as Record<string, unknown> };
}
