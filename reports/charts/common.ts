/**
 * What every time chart of the run report shares: its width, the outcome
 * and fault colours, and the fault bands drawn behind the data with their
 * labels, so a person sees at a glance what was broken when.
 */
import type { FaultBand } from '../faults.js';

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

/** Approximate width of one label character at the chart's label size. */
const LABEL_CHARACTER_PX = 5.6;

export interface BandDatum {
  number: number;
  fault: string;
  from: number;
  to: number;
  description: string;
  /** The label cut to the band's drawn width ("" when it is too narrow for one). */
  text: string;
  /** Pixels from the top of the plot. */
  labelY: number;
}

/** Band data for a chart whose x axis spans [0, endSeconds] over widthPx pixels. */
export function bandData(bands: readonly FaultBand[], endSeconds: number, widthPx = CHART_WIDTH): BandDatum[] {
  const pxPerSecond = widthPx / Math.max(endSeconds, 1e-9);
  return bands.map((band) => {
    const full = `#${band.number} ${band.label}${band.open ? ' (never stopped)' : ''}`;
    const characters = Math.floor(((band.to - band.from) * pxPerSecond) / LABEL_CHARACTER_PX);
    const text = characters >= full.length ? full : characters >= 4 ? `${full.slice(0, characters - 1)}…` : '';
    return { number: band.number, fault: band.fault, from: band.from, to: band.to, description: full, text, labelY: 9 + band.lane * 11 };
  });
}

/** The shaded bands and their labels, as two vega-lite layers on a quantitative x in seconds. */
export function faultLayers(bands: readonly BandDatum[], colors: { domain: string[]; range: string[] }, endSeconds: number): unknown[] {
  if (bands.length === 0) return [];
  // The same title and domain as the data's x, so the layered axis reads as one.
  const x = { ...timeAxis(endSeconds), field: 'from' };
  const tooltip = [
    { field: 'description', title: 'fault' },
    { field: 'from', title: 'from (s)', format: '.2f' },
    { field: 'to', title: 'to (s)', format: '.2f' },
  ];
  return [
    {
      data: { values: bands },
      mark: { type: 'rect', opacity: 0.16 },
      encoding: {
        x,
        x2: { field: 'to' },
        color: { field: 'fault', type: 'nominal', title: 'fault (shaded)', scale: colors, legend: { symbolOpacity: 0.4, orient: 'right' } },
        tooltip,
      },
    },
    {
      data: { values: bands.filter((band) => band.text !== '') },
      mark: { type: 'text', align: 'left', baseline: 'middle', dx: 3, fontSize: 10, color: '#3b3f45' },
      encoding: {
        x,
        y: { field: 'labelY', type: 'quantitative', scale: null },
        text: { field: 'text' },
        tooltip,
      },
    },
  ];
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
