/**
 * A rows-by-time timeline for anomaly views: one bar per operation (or hold,
 * or leadership) from its start to its end, rows being processes or nodes,
 * coloured by the part each plays in the anomaly, with the anomaly's moment
 * marked by red bands and points. Only the stretch of history it is given
 * is drawn: callers pass a few dozen items, not the whole run.
 */
import { CHART_WIDTH } from './common.js';
import { LABEL_FONT, LABEL_FONT_PX, placeLabels } from './label-lanes.js';

export interface TimelineBar {
  row: string;
  /** Seconds. */
  from: number;
  to: number;
  category: string;
  /** Text drawn above the bar from its start ("" for none); cut or left out where labels would collide. */
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

/** Label lanes above each row's bars at most; more labels are cut or left to the tooltip. */
const MAX_LABEL_LANES = 3;
const LANE_PX = 13;
const BAR_PX = 12;

function domainOf(bars: readonly TimelineBar[], marks: readonly TimelineMark[], highlights: ReadonlyArray<{ from: number; to: number }>): [number, number] {
  const times = [...bars.flatMap((bar) => [bar.from, bar.to]), ...marks.map((mark) => mark.t), ...highlights.flatMap((band) => [band.from, band.to])];
  const low = Math.min(...times);
  const high = Math.max(...times);
  const pad = Math.max((high - low) * 0.04, 0.0005);
  return [Math.max(0, low - pad), high + pad];
}

interface LabelDatum {
  row: string;
  /** Seconds: where the label starts, which may be left of its bar at the plot's right edge. */
  at: number;
  lane: number;
  text: string;
  detail: string;
}

/** Each row's labels in lanes, as data on the chart's seconds axis. */
export function timelineLabels(bars: readonly TimelineBar[], domain: [number, number], widthPx = CHART_WIDTH): LabelDatum[] {
  const pxPerSecond = widthPx / Math.max(domain[1] - domain[0], 1e-9);
  const labels: LabelDatum[] = [];
  for (const row of new Set(bars.map((bar) => bar.row))) {
    const inRow = bars.filter((bar) => bar.row === row && bar.label !== '');
    const placed = placeLabels(inRow.map((bar) => ({ xPx: (bar.from - domain[0]) * pxPerSecond, text: bar.label })), widthPx, MAX_LABEL_LANES);
    for (const label of placed) labels.push({ row, at: domain[0] + label.xPx / pxPerSecond, lane: label.lane, text: label.text, detail: inRow[label.item]!.detail });
  }
  return labels;
}

export function timelineSpec(allBars: readonly TimelineBar[], options: TimelineOptions): Record<string, unknown> {
  const bars = allBars.slice(0, MAX_TIMELINE_ITEMS);
  const marks = (options.marks ?? []).slice(0, MAX_TIMELINE_ITEMS);
  const highlights = options.highlights ?? [];
  const rows = options.rowOrder ?? [...new Set([...bars.map((bar) => bar.row), ...marks.map((mark) => mark.row)])];
  const domain = domainOf(bars, marks, highlights);
  const labels = timelineLabels(bars, domain);
  const lanes = labels.length === 0 ? 0 : Math.max(...labels.map((label) => label.lane)) + 1;
  // Each row: its label lanes on top, the bar at the bottom; the axis label sits beside the bar.
  const step = BAR_PX + 8 + lanes * LANE_PX;
  const barOffset = step / 2 - 3 - BAR_PX / 2;
  const x = { type: 'quantitative', title: 'time since the run started (s)', scale: { domain, nice: false, zero: false }, axis: { format: '.3f' } };
  const y = {
    field: 'row',
    type: 'nominal',
    title: options.rowTitle,
    sort: rows,
    scale: { domain: rows, paddingInner: 0, paddingOuter: 0 },
    axis: { tickOffset: barOffset, domain: false },
  };
  const color = { field: 'category', type: 'nominal', title: options.legendTitle, scale: options.categories, legend: { orient: 'bottom', direction: 'horizontal' } };
  const layers: unknown[] = [];
  if (highlights.length > 0) {
    layers.push({
      data: { values: highlights },
      mark: { type: 'rect', color: '#cf222e', opacity: 0.12 },
      encoding: { x: { ...x, field: 'from' }, x2: { field: 'to' }, tooltip: [{ field: 'label', title: 'anomaly' }] },
    });
  }
  layers.push({
    data: { values: bars },
    mark: { type: 'bar', cornerRadius: 2, height: BAR_PX, yOffset: barOffset },
    encoding: { x: { ...x, field: 'from' }, x2: { field: 'to' }, y, color, tooltip: [{ field: 'detail', title: 'what' }, { field: 'from', title: 'from (s)', format: '.4f' }, { field: 'to', title: 'to (s)', format: '.4f' }] },
  });
  for (let lane = 0; lane < lanes; lane++) {
    layers.push({
      data: { values: labels.filter((label) => label.lane === lane) },
      mark: { type: 'text', align: 'left', baseline: 'bottom', dy: barOffset - BAR_PX / 2 - 2 - lane * LANE_PX, font: LABEL_FONT, fontSize: LABEL_FONT_PX, color: '#1b1f24' },
      encoding: { x: { ...x, field: 'at' }, y, text: { field: 'text' }, tooltip: [{ field: 'detail', title: 'what' }] },
    });
  }
  if (marks.length > 0) {
    layers.push({
      data: { values: marks },
      mark: { type: 'point', shape: 'diamond', filled: true, size: 70, stroke: '#1b1f24', strokeWidth: 0.5, yOffset: barOffset },
      encoding: { x: { ...x, field: 't' }, y, color, tooltip: [{ field: 'detail', title: 'what' }, { field: 't', title: 'at (s)', format: '.4f' }] },
    });
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH,
    height: { step },
    layer: layers,
    config: { axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelLimit: 260 } },
  };
}
