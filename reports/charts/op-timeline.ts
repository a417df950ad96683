/**
 * A rows-by-time timeline for anomaly views: one bar per operation (or hold,
 * or leadership) from its start to its end, rows being processes or nodes,
 * coloured by the part each plays in the anomaly, with the anomaly's moment
 * marked by red bands and points. Only the stretch of history it is given
 * is drawn: callers pass a few dozen items, not the whole run.
 */
import { CHART_WIDTH } from './common.js';

export interface TimelineBar {
  row: string;
  /** Seconds. */
  from: number;
  to: number;
  category: string;
  /** Text drawn at the bar's start ("" for none). */
  label: string;
  /** Tooltip text. */
  detail: string;
}

export interface TimelineMark {
  row: string;
  t: number;
  category: string;
  detail: string;
}

export interface TimelineOptions {
  rowTitle: string;
  rowOrder?: string[];
  categories: { domain: string[]; range: string[] };
  legendTitle: string;
  /** Red regions behind the bars: where the anomaly happened. */
  highlights?: Array<{ from: number; to: number; label: string }>;
  /** Points on rows: acknowledged writes, ids handed out. */
  marks?: TimelineMark[];
}

/** Items drawn at most in one anomaly timeline. */
export const MAX_TIMELINE_ITEMS = 400;

function domainOf(bars: readonly TimelineBar[], marks: readonly TimelineMark[], highlights: ReadonlyArray<{ from: number; to: number }>): [number, number] {
  const times = [...bars.flatMap((bar) => [bar.from, bar.to]), ...marks.map((mark) => mark.t), ...highlights.flatMap((band) => [band.from, band.to])];
  const low = Math.min(...times);
  const high = Math.max(...times);
  const pad = Math.max((high - low) * 0.04, 0.0005);
  return [Math.max(0, low - pad), high + pad];
}

export function timelineSpec(allBars: readonly TimelineBar[], options: TimelineOptions): Record<string, unknown> {
  const bars = allBars.slice(0, MAX_TIMELINE_ITEMS);
  const marks = (options.marks ?? []).slice(0, MAX_TIMELINE_ITEMS);
  const highlights = options.highlights ?? [];
  const rows = options.rowOrder ?? [...new Set([...bars.map((bar) => bar.row), ...marks.map((mark) => mark.row)])];
  const x = { type: 'quantitative', title: 'time since the run started (s)', scale: { domain: domainOf(bars, marks, highlights), nice: false, zero: false }, axis: { format: '.3f' } };
  const y = { field: 'row', type: 'nominal', title: options.rowTitle, sort: rows, scale: { paddingInner: 0.3 } };
  const color = { field: 'category', type: 'nominal', title: options.legendTitle, scale: options.categories, legend: { orient: 'bottom', direction: 'horizontal' } };
  const layers: unknown[] = [];
  if (highlights.length > 0) {
    layers.push({
      data: { values: highlights },
      mark: { type: 'rect', color: '#cf222e', opacity: 0.12 },
      encoding: { x: { ...x, field: 'from' }, x2: { field: 'to' }, tooltip: [{ field: 'label', title: 'anomaly' }] },
    });
  }
  layers.push(
    {
      data: { values: bars },
      mark: { type: 'bar', cornerRadius: 2, height: { band: 0.7 } },
      encoding: { x: { ...x, field: 'from' }, x2: { field: 'to' }, y, color, tooltip: [{ field: 'detail', title: 'what' }, { field: 'from', title: 'from (s)', format: '.4f' }, { field: 'to', title: 'to (s)', format: '.4f' }] },
    },
    {
      data: { values: bars.filter((bar) => bar.label !== '') },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dx: 1, dy: -9, fontSize: 10, color: '#1b1f24' },
      encoding: { x: { ...x, field: 'from' }, y, text: { field: 'label' } },
    },
  );
  if (marks.length > 0) {
    layers.push({
      data: { values: marks },
      mark: { type: 'point', shape: 'diamond', filled: true, size: 70, stroke: '#1b1f24', strokeWidth: 0.5 },
      encoding: { x: { ...x, field: 't' }, y, color, tooltip: [{ field: 'detail', title: 'what' }, { field: 't', title: 'at (s)', format: '.4f' }] },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH,
    height: { step: 42 },
    layer: layers,
    config: { axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelLimit: 260 } },
  };
}
