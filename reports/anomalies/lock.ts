/**
 * A lock violation explained: the holds of the lock around each overlap,
 * one row per process, with the stretch where two processes both held it
 * marked. The holds are the lock checker's own (holdsOfKey), so the page
 * shows the holds the verdict came from.
 */
import { holdsOfKey, type Hold, type LockOverlap } from '../../checkers/lock/index.js';
import type { Operation } from '../../common/history/types.js';
import { escapeHtml } from '../html.js';
import { timelineSpec, type TimelineBar } from '../charts/op-timeline.js';
import type { Section, StoredCheckerResult } from '../report-types.js';
import { elementId, MAX_ANOMALIES_DRAWN, moreNote, secondsText, sentenceCallout, table } from './common.js';

export interface HeldSpan {
  process: string;
  /** Seconds. */
  from: number;
  /** Seconds; Infinity when never let go. */
  to: number;
}

const CATEGORIES = { domain: ['held by one of the two', 'held by another process'], range: ['#cf222e', '#8fa8c8'] };

/** A checker's hold in seconds; a hold without times cannot be drawn. */
function heldSpan(hold: Hold): HeldSpan | undefined {
  if (hold.startTime === undefined) return undefined;
  const from = hold.startTime / 1e9;
  const to = Number.isFinite(hold.endIndex) ? (hold.endTime ?? hold.startTime) / 1e9 : Infinity;
  return { process: String(hold.process), from, to };
}

/** Every certain hold of one key, as the lock checker judged it, in seconds. */
export function heldSpansOfKey(operations: readonly Operation[], key: string | null): HeldSpan[] {
  return holdsOfKey(operations, key).holds.flatMap((hold) => heldSpan(hold) ?? []);
}

function isOverlap(value: unknown): value is LockOverlap {
  const candidate = value as Partial<LockOverlap> | null;
  return typeof candidate === 'object' && candidate !== null && candidate.kind === 'overlap' && Array.isArray(candidate.processes);
}

function oneOverlap(name: string, overlap: LockOverlap, position: number, operations: readonly Operation[], endSeconds: number, charts: Record<string, unknown>): string {
  const from = overlap.from.seconds ?? 0;
  const to = overlap.to.seconds ?? endSeconds;
  const margin = Math.max((to - from) * 1.5, 0.2);
  const pair = overlap.processes.map(String);
  const holds = heldSpansOfKey(operations, overlap.key).filter((hold) => hold.from <= to + margin && hold.to >= from - margin);
  const bars: TimelineBar[] = holds.map((hold) => {
    const until = Number.isFinite(hold.to) ? hold.to : endSeconds;
    const involved = pair.includes(hold.process);
    return {
      row: `process ${hold.process}`,
      from: hold.from,
      to: until,
      category: involved ? CATEGORIES.domain[0]! : CATEGORIES.domain[1]!,
      label: `holds${overlap.key === null ? '' : ` ${overlap.key}`}`,
      detail: `process ${hold.process} held the lock from ${hold.from.toFixed(3)} s to ${Number.isFinite(hold.to) ? `${hold.to.toFixed(3)} s` : 'the end'}`,
    };
  });
  const id = elementId('anomaly', name, position);
  const sentence = `processes ${pair[0]} and ${pair[1]} both held the lock${overlap.key === null ? '' : ` ${overlap.key}`} from ${secondsText(from)} to ${secondsText(to)}`;
  let chart = '';
  if (bars.length > 0) {
    charts[id] = timelineSpec(bars, {
      rowTitle: 'client process',
      categories: CATEGORIES,
      legendTitle: 'hold',
      highlights: [{ from, to, label: sentence }],
    });
    chart = `<div class="chart anomaly-chart" id="${id}"></div>`;
  }
  const rows = holds.slice(0, 40).map((hold) => [`process ${hold.process}`, secondsText(hold.from), Number.isFinite(hold.to) ? secondsText(hold.to) : 'never let go']);
  return `${sentenceCallout(sentence)}${chart}<details><summary>Holds near the overlap</summary>${table(['holder', 'held from', 'until'], rows)}</details>`;
}

export function lockView(name: string, result: StoredCheckerResult, operations: readonly Operation[], endSeconds: number): Section {
  const overlaps = result.anomalies.filter(isOverlap);
  const charts: Record<string, unknown> = {};
  const shown = overlaps.slice(0, MAX_ANOMALIES_DRAWN);
  const parts = shown.map((overlap, position) => oneOverlap(name, overlap, position, operations, endSeconds, charts));
  const intro = parts.length === 0 ? sentenceCallout(result.sentence) : '';
  return { html: `<h3>${escapeHtml(name)}</h3>${intro}${parts.join('<hr>')}${moreNote(overlaps.length, shown.length)}`, charts };
}
