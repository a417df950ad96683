/**
 * What every time chart of the run report shares: its width, the outcome
 * and fault colours, the faults shaded behind the data and the fault track
 * above it that names each one in its own lane, so a person sees at a
 * glance what was broken when, even with several faults on at once.
 */
import type { FaultBand } from '../faults.js';
import { LABEL_FONT, LABEL_FONT_PX, placeLabels } from './label-lanes.js';

/** Plot width in pixels: the page is 1200 px wide with padding, and the legend sits to the right. */
export const CHART_WIDTH = 940;

export const OUTCOME_COLORS = { domain: ['ok', 'fail', 'info'], range: ['#4c78a8', '#e45756', '#f58518'] };

const FAULT_PALETTE: Record<string, string> = {
  partition: '#9467bd',
  kill: '#8c564b',
  pause: '#17becf',
  clock: '#bcbd22',
};
const OTHER_FAULT_COLORS = ['#7f7f7f', '#e377c2', '#aec7e8', '#98df8a'];

/** Colour scale for the fault kinds present, so every chart's legend agrees. */
export function faultColors(faults: readonly string[]): { domain: string[]; range: string[] } {
  const domain = [...new Set(faults)].sort();
  let other = 0;
  const range = domain.map((fault) => FAULT_PALETTE[fault] ?? OTHER_FAULT_COLORS[other++ % OTHER_FAULT_COLORS.length]!);
  return { domain, range };
}

/** Height of one lane of the fault track above each time chart. */
const TRACK_LANE_PX = 16;
/** Room kept between a bar's start and its label. */
const LABEL_INSET_PX = 3;

export interface BandDatum {
  number: number;
  fault: string;
  from: number;
  to: number;
  description: string;
  /** The label as drawn: whole, cut with "…" where the lane is crowded, or "". */
  text: string;
  /** Seconds: where the label starts (its band's start, or left of it at the plot's right edge). */
  labelAt: number;
  /** Row of the fault track: faults on at the same time take different lanes. */
  lane: number;
}

/** Lanes of the fault track at most; a fault past them shares a lane, unlabelled. */
const MAX_TRACK_LANES = 5;

/**
 * Band data for a chart whose x axis spans [0, endSeconds] over widthPx
 * pixels: each fault takes the lowest track lane where its bar and its whole
 * label fit, or where its bar fits with the label before it cut.
 */
export function bandData(bands: readonly FaultBand[], endSeconds: number, widthPx = CHART_WIDTH): BandDatum[] {
  const pxPerSecond = widthPx / Math.max(endSeconds, 1e-9);
  const descriptions = bands.map((band) => `#${band.number} ${band.label}${band.open ? ' (never stopped)' : ''}`);
  const requests = bands.map((band, position) => ({ xPx: band.from * pxPerSecond + LABEL_INSET_PX, endPx: Math.min(band.to, endSeconds) * pxPerSecond, text: descriptions[position]! }));
  const placed = placeLabels(requests, widthPx, MAX_TRACK_LANES, true);
  return bands.map((band, position) => {
    const label = placed[position]!;
    return { number: band.number, fault: band.fault, from: band.from, to: band.to, description: descriptions[position]!, text: label.text, labelAt: label.xPx / pxPerSecond, lane: label.lane };
  });
}

function bandTooltip(): unknown[] {
  return [
    { field: 'description', title: 'fault' },
    { field: 'from', title: 'from (s)', format: '.2f' },
    { field: 'to', title: 'to (s)', format: '.2f' },
  ];
}

/** The faults lightly shaded behind a chart's data, a layer on a quantitative x in seconds; the track above names them. */
export function faultShading(bands: readonly BandDatum[], colors: { domain: string[]; range: string[] }, endSeconds: number): unknown[] {
  if (bands.length === 0) return [];
  // The same title and domain as the data's x, so the layered axis reads as one.
  return [
    {
      data: { values: bands },
      mark: { type: 'rect', opacity: 0.09 },
      encoding: {
        x: { ...timeAxis(endSeconds), field: 'from' },
        x2: { field: 'to' },
        color: { field: 'fault', type: 'nominal', title: 'fault', scale: colors, legend: { symbolOpacity: 0.5, orient: 'right' } },
        tooltip: bandTooltip(),
      },
    },
  ];
}

/**
 * The fault track drawn above a time chart: one bar per fault on the same
 * seconds axis, faults on at once in separate lanes, each named by its
 * label (cut to its bar, whole in the tooltip).
 */
export function faultTrack(bands: readonly BandDatum[], colors: { domain: string[]; range: string[] }, endSeconds: number): Record<string, unknown> {
  const lanes = Math.max(...bands.map((band) => band.lane)) + 1;
  const x = { ...timeAxis(endSeconds), field: 'from', axis: null };
  const y = { field: 'lane', type: 'ordinal', axis: null, scale: { domain: Array.from({ length: lanes }, (_unused, lane) => lane), paddingInner: 0.15, paddingOuter: 0.05 } };
  return {
    name: 'fault-track',
    width: CHART_WIDTH,
    view: { stroke: null },
    height: lanes * TRACK_LANE_PX,
    data: { values: bands },
    layer: [
      {
        mark: { type: 'bar', opacity: 0.5, cornerRadius: 2 },
        encoding: {
          x,
          x2: { field: 'to' },
          y,
          // The legend is the chart's, below, beside its other legends.
          color: { field: 'fault', type: 'nominal', scale: colors, legend: null },
          tooltip: bandTooltip(),
        },
      },
      {
        mark: { type: 'text', align: 'left', baseline: 'middle', font: LABEL_FONT, fontSize: LABEL_FONT_PX, color: '#1b1f24' },
        encoding: { x: { ...x, field: 'labelAt' }, y, text: { field: 'text' }, tooltip: bandTooltip() },
      },
    ],
  };
}

/** The x axis every time chart uses. */
export function timeAxis(endSeconds: number): Record<string, unknown> {
  return {
    field: 't',
    type: 'quantitative',
    title: 'time since the run started (s)',
    scale: { domain: [0, Math.max(endSeconds, 0.001)], nice: false, zero: true },
  };
}
