/**
 * Pieces every anomaly view shares: the callout with the checker's sentence,
 * small escaped tables, element ids that are safe whatever the checker's
 * name, and the fallback view for checkers without a drawing of their own.
 */
import { escapeHtml } from '../html.js';
import { clip, compact } from '../operations.js';
import type { Section, StoredCheckerResult } from '../report-types.js';

/** Anomalies drawn per checker; the rest are counted in the text. */
export const MAX_ANOMALIES_DRAWN = 3;

/** An element id from any text: letters, digits and dashes only. */
export function elementId(...parts: Array<string | number>): string {
  return parts.map((part) => String(part).toLowerCase().replace(/[^a-z0-9]+/g, '-')).join('-').replace(/^-+|-+$/g, '');
}

export function sentenceCallout(sentence: string | undefined): string {
  if (sentence === undefined || sentence === '') return '';
  return `<p class="sentence">${escapeHtml(sentence)}</p>`;
}

/** A table of escaped cells; cells are clipped so one huge value cannot swamp the page. */
export function table(headers: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>, className = 'ops'): string {
  const head = `<tr>${headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('')}</tr>`;
  const body = rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(clip(cellText(cell), 200))}</td>`).join('')}</tr>`).join('');
  return `<table class="${className}">${head}${body}</table>`;
}

function cellText(cell: unknown): string {
  if (cell === undefined || cell === null) return '';
  return typeof cell === 'number' ? String(cell) : compact(cell);
}

/** "2.114 s" for a time in seconds, "" when unknown. */
export function secondsText(value: number | undefined | null): string {
  return value === undefined || value === null || !Number.isFinite(value) ? '' : `${value.toFixed(3)} s`;
}

/** "and 4 more anomalies are not drawn" when a checker found more than are drawn. */
export function moreNote(total: number, drawn: number, noun = 'anomalies'): string {
  return total > drawn ? `<p class="muted">${total - drawn} more ${noun} are not drawn here; results.json lists them.</p>` : '';
}

/** A checker without a drawing: its sentence and its first anomalies as data. */
export function genericView(name: string, result: StoredCheckerResult): Section {
  const shown = result.anomalies.slice(0, 5).map((anomaly) => `<pre>${escapeHtml(clip(typeof anomaly === 'string' ? anomaly : JSON.stringify(anomaly, null, 1), 2000))}</pre>`);
  return {
    html: `<h3>${escapeHtml(name)}</h3>${sentenceCallout(result.sentence)}${shown.join('')}${moreNote(result.anomalies.length, shown.length)}`,
    charts: {},
  };
}
