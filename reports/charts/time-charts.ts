/**
 * The run's charts over time, as vega-lite specs: latency of every op
 * coloured by outcome, throughput by outcome, and each node's role, all on
 * the same seconds axis with the faults shaded behind them.
 */
import type { LatencySample } from '../sampling.js';
import type { PercentilePoint, RoleSegment, ThroughputBin } from '../series.js';
import { bandData, CHART_WIDTH, faultColors, faultShading, faultTrack, OUTCOME_COLORS, timeAxis, type BandDatum } from './common.js';
import type { FaultBand } from '../faults.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

export interface TimeFrame {
  endSeconds: number;
  bands: BandDatum[];
  colors: { domain: string[]; range: string[] };
}

export function timeFrame(bands: readonly FaultBand[], endSeconds: number): TimeFrame {
  return { endSeconds, bands: bandData(bands, endSeconds), colors: faultColors(bands.map((band) => band.fault)) };
}

/** A time chart: the faults shaded behind its layers and, when there are faults, the fault track above it. */
function layered(frame: TimeFrame, height: number, layers: unknown[]): Record<string, unknown> {
  const chart = {
    width: CHART_WIDTH,
    height,
    layer: [...faultShading(frame.bands, frame.colors, frame.endSeconds), ...layers],
    resolve: { scale: { color: 'independent' } },
  };
  const config = { legend: { labelLimit: 180 }, axis: { labelFontSize: 11, titleFontSize: 12 } };
  if (frame.bands.length === 0) return { $schema: SCHEMA, ...chart, config };
  return {
    $schema: SCHEMA,
    vconcat: [faultTrack(frame.bands, frame.colors, frame.endSeconds), chart],
    spacing: 4,
    // Legends stay beside the chart they explain, not in a column of their own.
    resolve: { scale: { color: 'independent', strokeDash: 'independent', x: 'shared' } },
    config,
  };
}

export function latencySpec(sample: LatencySample, percentiles: readonly PercentilePoint[], frame: TimeFrame): Record<string, unknown> {
  const lines = {
    data: { values: percentiles },
    mark: { type: 'line', color: '#1b1f24', strokeWidth: 1.3, opacity: 0.8, invalid: 'break-paths-filter-domains' },
    encoding: {
      x: timeAxis(frame.endSeconds),
      y: { field: 'ms', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log' } },
      strokeDash: { field: 'percentile', type: 'nominal', title: 'ok latency', scale: { domain: ['p50', 'p99'], range: [[1, 0], [5, 3]] }, legend: { orient: 'right' } },
    },
  };
  // The lines go under the dots, so every dot keeps its tooltip.
  return layered(frame, 340, [
    ...(percentiles.length > 0 ? [lines] : []),
    {
      data: { values: sample.points },
      mark: { type: 'circle', size: 16, opacity: 0.65 },
      encoding: {
        x: timeAxis(frame.endSeconds),
        y: { field: 'ms', type: 'quantitative', title: 'latency (ms, log scale)', scale: { type: 'log' } },
        color: { field: 'outcome', type: 'nominal', title: 'op outcome', scale: OUTCOME_COLORS, legend: { orient: 'right' } },
        // Fail and info drawn last, on top of the ok cloud.
        order: { field: 'outcome', sort: 'descending' },
        tooltip: [
          { field: 'f', title: 'op' },
          { field: 'key', title: 'key' },
          { field: 'process', title: 'process' },
          { field: 'outcome', title: 'outcome' },
          { field: 't', title: 'invoked at (s)', format: '.3f' },
          { field: 'ms', title: 'latency (ms)', format: '.2f' },
        ],
      },
    },
  ]);
}

export function throughputSpec(bins: readonly ThroughputBin[], binSeconds: number, frame: TimeFrame): Record<string, unknown> {
  return layered(frame, 200, [
    {
      data: { values: bins },
      mark: { type: 'bar', opacity: 0.9 },
      encoding: {
        x: { ...timeAxis(frame.endSeconds), field: 'from' },
        x2: { field: 'to' },
        y: { field: 'y1', type: 'quantitative', title: `completed ops per second (${binSeconds} s bins)` },
        y2: { field: 'y0' },
        color: { field: 'outcome', type: 'nominal', title: 'op outcome', scale: OUTCOME_COLORS, legend: { orient: 'right' } },
        tooltip: [
          { field: 'outcome', title: 'outcome' },
          { field: 'from', title: 'from (s)', format: '.2f' },
          { field: 'perSecond', title: 'ops/s', format: '.1f' },
        ],
      },
    },
  ]);
}

const ROLE_PALETTE: Record<string, string> = {
  leader: '#2ca02c',
  leading: '#2ca02c',
  candidate: '#ff7f0e',
  looking: '#ff7f0e',
  follower: '#c7c7c7',
  following: '#c7c7c7',
  observer: '#dbdb8d',
  down: '#d62728',
  unreachable: '#f7b6d2',
  stopped: '#d62728',
  paused: '#17becf',
};
const OTHER_ROLE_COLORS = ['#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

/** Colours for the roles present: the usual names keep their colours, others get distinct ones. */
function roleColors(roles: readonly string[]): { domain: string[]; range: string[] } {
  const domain = [...new Set(roles)].sort();
  let other = 0;
  return { domain, range: domain.map((role) => ROLE_PALETTE[role.toLowerCase()] ?? OTHER_ROLE_COLORS[other++ % OTHER_ROLE_COLORS.length]!) };
}

/** "term" for Raft, "epoch" for ZAB, both when the system does not say. */
export function epochWord(system: string | undefined): string {
  if (system?.includes('raft') === true || system === 'etcd') return 'term';
  if (system?.includes('zab') === true || system === 'zookeeper') return 'epoch';
  return 'epoch/term';
}

export function rolesSpec(segments: readonly RoleSegment[], frame: TimeFrame, system: string | undefined): Record<string, unknown> {
  const word = epochWord(system);
  const nodes = [...new Set(segments.map((segment) => segment.node))].sort();
  const pxPerSecond = CHART_WIDTH / Math.max(frame.endSeconds, 1e-9);
  const data = segments.map((segment) => {
    const label = `${word} ${segment.epoch}`;
    const fits = (segment.to - segment.from) * pxPerSecond >= label.length * 6 + 6;
    return { ...segment, label: fits && /lead/i.test(segment.role) ? label : '', middle: (segment.from + segment.to) / 2 };
  });
  const y = { field: 'node', type: 'nominal', title: 'node', sort: nodes, scale: { paddingInner: 0.25 } };
  return layered(frame, Math.max(60, nodes.length * 34), [
    {
      data: { values: data },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            x: { ...timeAxis(frame.endSeconds), field: 'from' },
            x2: { field: 'to' },
            y,
            color: { field: 'role', type: 'nominal', title: 'role', scale: roleColors(segments.map((segment) => segment.role)), legend: { orient: 'right', labelLimit: 140 } },
            tooltip: [
              { field: 'node', title: 'node' },
              { field: 'role', title: 'role' },
              { field: 'epoch', title: word },
              { field: 'from', title: 'from (s)', format: '.2f' },
              { field: 'to', title: 'to (s)', format: '.2f' },
            ],
          },
        },
        {
          mark: { type: 'text', fontSize: 10, color: '#ffffff', fontWeight: 'bold' },
          encoding: { x: { ...timeAxis(frame.endSeconds), field: 'middle' }, y, text: { field: 'label' } },
        },
      ],
    },
  ]);
}
