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
  if (name === 'sequence') return sequenceView(name, result, context.spans);
  // Lock and split-brain draw with their checker's functions, which need the history as the checker paired it.
  const input = context.input;
  if (name === 'lock' && input !== undefined) return lockView(name, result, input.operations, context.endSeconds);
  if (name === 'split-brain' && input !== undefined) return splitBrainView(name, result, input, context.epochWord);
  return genericView(name, result);
}

/** Failed checkers' views, or undefined when no checker found a violation. */
export function anomaliesSection(results: StoredResults | undefined, context: AnomalyContext): Section | undefined {
  if (results === undefined) return undefined;
  const failed = Object.entries(results.checkers).filter(([, result]) => result.valid === false);
  if (failed.length === 0) return undefined;
  const views = failed.map(([name, stored]): Section => {
    // results.json may come from another tool or an older faultline: anomalies of an unexpected shape fall back to the plain view.
    const result = { ...stored, anomalies: Array.isArray(stored.anomalies) ? stored.anomalies : [] };
    try {
      return checkerView(name, result, context);
    } catch {
      return genericView(name, result);
    }
  });
  const names = failed.map(([name]) => escapeHtml(name)).join(', ');
  const html =
    `<section id="anomalies"><h2>What went wrong</h2><p>${failed.length === 1 ? 'One checker' : `${failed.length} checkers`} found a violation: ${names}. ` +
    'Each is explained below with the stretch of history that shows it.</p>' +
    views.map((view) => `<div class="anomaly">${view.html}</div>`).join('') +
    '</section>';
  return { html, charts: Object.assign({}, ...views.map((view) => view.charts)) as Record<string, unknown> };
}
