/**
 * Sequence anomalies explained: the duplicate ids and who got them, ids
 * handed out of order, and gaps, each in the checker's words, with the
 * `next` ops around the first anomaly drawn per process and labelled with
 * the id each got.
 */
import { describeRanges, describeSequenceAnomaly, type SequenceAnomaly } from '../../checkers/sequence/index.js';
import { escapeHtml } from '../html.js';
import { timelineSpec, type TimelineBar } from '../charts/op-timeline.js';
import { compact, type OperationSpan } from '../operations.js';
import type { Section, StoredCheckerResult } from '../report-types.js';
import { elementId, moreNote, secondsText, sentenceCallout, table } from './common.js';

const CATEGORIES = { domain: ['the ids in the anomaly', 'other ids handed out', 'failed: no id', 'ended unknown (info)'], range: ['#cf222e', '#8fa8c8', '#d0d7de', '#f58518'] };
const MAX_ROWS = 50;
const MAX_OPS_DRAWN = 60;

function isSequenceAnomaly(value: unknown): value is SequenceAnomaly {
  const kind = (value as { kind?: unknown } | null)?.kind;
  return kind === 'duplicate' || kind === 'order' || kind === 'gap';
}

/** Who got which id in this anomaly: [process, id, seconds]. */
function holdersOf(anomaly: SequenceAnomaly): Array<{ process: string; id: number; seconds?: number }> {
  const holders = anomaly.kind === 'duplicate' ? anomaly.holders : anomaly.kind === 'order' ? [anomaly.earlier, anomaly.later] : [anomaly.below, anomaly.above].filter((holder) => holder !== undefined);
  return holders.map((holder) => ({ process: String(holder!.process), id: holder!.id, ...(holder!.at.seconds === undefined ? {} : { seconds: holder!.at.seconds }) }));
}

function anomalyRows(anomalies: readonly SequenceAnomaly[]): unknown[][] {
  return anomalies.slice(0, MAX_ROWS).map((anomaly) => {
    const who = holdersOf(anomaly).map((holder) => `process ${holder.process} got ${holder.id} at ${secondsText(holder.seconds)}`);
    const ids = anomaly.kind === 'duplicate' ? anomaly.id : anomaly.kind === 'order' ? `${anomaly.later.id} after ${anomaly.earlier.id}` : describeRanges(anomaly.missing);
    return [anomaly.kind, anomaly.key ?? '', ids, who.join('; '), describeSequenceAnomaly(anomaly)];
  });
}

function drawFirst(name: string, anomaly: SequenceAnomaly, spans: readonly OperationSpan[], charts: Record<string, unknown>): string {
  const holders = holdersOf(anomaly);
  const times = holders.map((holder) => holder.seconds).filter((seconds): seconds is number => seconds !== undefined);
  if (times.length === 0) return '';
  const [low, high] = [Math.min(...times), Math.max(...times)];
  const margin = Math.max((high - low) * 0.5, 0.05);
  const ids = new Set(holders.map((holder) => holder.id));
  const key = anomaly.key;
  const near = spans.filter(
    (span) => span.f === 'next' && (span.key === undefined ? null : String(span.key)) === key && span.callSeconds <= high + margin && (span.returnSeconds ?? span.callSeconds) >= low - margin,
  );
  const [windowFrom, windowTo] = [low - margin, high + margin];
  const bars: TimelineBar[] = near.slice(0, MAX_OPS_DRAWN).map((span) => {
    const id = span.outcome === 'ok' ? Number(/(\d+)$/.exec(compact(span.output))?.[1] ?? NaN) : NaN;
    const category = span.outcome === 'info' ? CATEGORIES.domain[3]! : span.outcome === 'fail' ? CATEGORIES.domain[2]! : ids.has(id) ? CATEGORIES.domain[0]! : CATEGORIES.domain[1]!;
    const label = span.outcome === 'ok' ? `id ${id}` : span.outcome;
    const detail = `next ${key ?? ''} -> ${compact(span.output)} [${span.outcome}], invoked at ${span.callSeconds.toFixed(3)} s`;
    // Long ops (timeouts) are cut to the window, so the anomaly's few milliseconds stay readable.
    return { row: `process ${String(span.process)}`, from: Math.max(span.callSeconds, windowFrom), to: Math.min(span.returnSeconds ?? windowTo, windowTo), category, label, detail };
  });
  if (bars.length === 0) return '';
  const id = elementId('anomaly', name, 0);
  charts[id] = timelineSpec(bars, { rowTitle: 'client process', categories: CATEGORIES, legendTitle: 'part in the anomaly' });
  return `<p class="muted">The <code>next</code> ops around the first anomaly, from invocation to completion, labelled with the id each got (ops longer than the window are cut at its edges):</p><div class="chart anomaly-chart" id="${id}"></div>`;
}

export function sequenceView(name: string, result: StoredCheckerResult, spans: readonly OperationSpan[]): Section {
  const anomalies = result.anomalies.filter(isSequenceAnomaly);
  const charts: Record<string, unknown> = {};
  const first = anomalies[0];
  const chart = first === undefined ? '' : drawFirst(name, first, spans, charts);
  const rows = anomalyRows(anomalies);
  const html =
    `<h3>${escapeHtml(name)}</h3>${sentenceCallout(result.sentence)}${chart}` +
    table(['kind', 'key', 'ids', 'who got them', 'in words'], rows) +
    moreNote(anomalies.length, rows.length);
  return { html, charts };
}
