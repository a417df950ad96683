/**
 * A linearizability violation explained: the smallest failing stretch of the
 * history (the last operations the search could linearize, the ones in
 * flight when it got stuck, and the one that cannot be linearized) drawn
 * process by process over time, beside the checker's plain sentence.
 */
import type { Counterexample, OperationView } from '../../checkers/linearizability/counterexample.js';
import { escapeHtml } from '../html.js';
import { timelineSpec, type TimelineBar } from '../charts/op-timeline.js';
import type { Section, StoredCheckerResult } from '../report-types.js';
import { elementId, MAX_ANOMALIES_DRAWN, moreNote, secondsText, sentenceCallout, table } from './common.js';

const ROLES = {
  impossible: 'cannot be linearized',
  concurrent: 'in flight when the search got stuck',
  prefix: 'last ops linearized before it',
} as const;

const CATEGORIES = { domain: [ROLES.impossible, ROLES.concurrent, ROLES.prefix], range: ['#cf222e', '#f58518', '#8fa8c8'] };

function isCounterexample(value: unknown): value is Counterexample {
  const candidate = value as Partial<Counterexample> | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.operation === 'object' && candidate.operation !== null;
}

interface Placed {
  view: OperationView;
  role: string;
}

function placedOperations(counterexample: Counterexample): Placed[] {
  const placed: Placed[] = [
    ...(counterexample.prefixTail ?? []).map((view) => ({ view, role: ROLES.prefix })),
    ...(counterexample.concurrent ?? []).map((view) => ({ view, role: ROLES.concurrent })),
    { view: counterexample.operation, role: ROLES.impossible },
  ];
  return placed.sort((left, right) => left.view.callIndex - right.view.callIndex);
}

function bars(placed: readonly Placed[]): TimelineBar[] {
  const timed = placed.filter((item) => item.view.callSeconds !== undefined);
  const end = Math.max(...timed.map((item) => item.view.returnSeconds ?? item.view.callSeconds!));
  return timed.map(({ view, role }) => {
    const open = view.returnSeconds === undefined;
    const outcome = open ? 'info: may take effect any time after its call' : view.status;
    return {
      row: `process ${String(view.process)}`,
      from: view.callSeconds!,
      // An op that never completed stays open to the end of the stretch.
      to: view.returnSeconds ?? end,
      category: role,
      label: `${role === ROLES.impossible ? '✕ ' : ''}${view.description}${open ? ' (info)' : ''}${role === ROLES.impossible ? ': impossible' : ''}`,
      detail: `${view.description} [${outcome}], ${role}`,
    };
  });
}

function operationTable(placed: readonly Placed[]): string {
  const rows = placed.map(({ view, role }) => [
    role,
    `process ${String(view.process)}`,
    view.description,
    view.status,
    secondsText(view.callSeconds),
    view.returnSeconds === undefined ? 'never (info)' : secondsText(view.returnSeconds),
    `${view.callIndex}..${view.returnIndex ?? 'end'}`,
  ]);
  return table(['part', 'process', 'op', 'outcome', 'invoked', 'completed', 'events'], rows);
}

function oneCounterexample(checker: string, counterexample: Counterexample, position: number, charts: Record<string, unknown>): string {
  const placed = placedOperations(counterexample);
  const id = elementId('anomaly', checker, position);
  const timeline = bars(placed);
  const key = counterexample.key === null || counterexample.key === undefined ? '' : ` on key ${counterexample.key}`;
  const facts =
    `<p class="muted">The search linearized ${escapeHtml(counterexample.prefixLength)} ops${escapeHtml(key)} ` +
    `(state then: <code>${escapeHtml(counterexample.stateAfterPrefix)}</code>) and could go no further. ` +
    'Bars run from each op\'s invocation to its completion; an op may take effect at any instant inside its bar.</p>';
  let chart = '<p class="muted">This history has no times, so the stretch is listed but not drawn.</p>';
  if (timeline.length > 0) {
    charts[id] = timelineSpec(timeline, {
      rowTitle: 'client process',
      categories: CATEGORIES,
      legendTitle: 'part in the anomaly',
      highlights: timeline.filter((bar) => bar.category === ROLES.impossible).map((bar) => ({ from: bar.from, to: bar.to, label: counterexample.sentence })),
    });
    chart = `<div class="chart anomaly-chart" id="${id}"></div>`;
  }
  return `${sentenceCallout(counterexample.sentence)}${facts}${chart}<details open><summary>The ops of this stretch</summary>${operationTable(placed)}</details>`;
}

export function linearizabilityView(name: string, result: StoredCheckerResult): Section {
  const counterexamples = result.anomalies.filter(isCounterexample);
  const details = result['details'] as { counterexample?: unknown } | undefined;
  if (counterexamples.length === 0 && isCounterexample(details?.counterexample)) counterexamples.push(details.counterexample);
  const charts: Record<string, unknown> = {};
  const shown = counterexamples.slice(0, MAX_ANOMALIES_DRAWN);
  const parts = shown.map((counterexample, position) => oneCounterexample(name, counterexample, position, charts));
  const intro = counterexamples.length === 0 ? sentenceCallout(result.sentence) : '';
  return { html: `<h3>${escapeHtml(name)}</h3>${intro}${parts.join('<hr>')}${moreNote(counterexamples.length, shown.length)}`, charts };
}
