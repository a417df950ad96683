/**
 * Vega-lite specs of the comparison page: grouped bars that put the systems
 * side by side per matrix cell (workload and nemesis) and per fault kind,
 * one colour per system on every chart. A chart with no data is left out,
 * so every chart drawn has marks.
 */
import type { CellFigures, FaultFigures } from './index-figures.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
// Two charts with their legends fit side by side in the page's 1200 px.
const MIN_WIDTH = 380;
const MAX_WIDTH = 1100;
const BAR_PX = 16;
const HEIGHT = 180;
/** Past this many categories the labels are slanted so they do not overlap. */
const UPRIGHT_LABELS = 6;

type Row = Record<string, string | number>;

interface BarChart {
  title: string;
  rows: Row[];
  category: { field: string; title: string };
  /** format: d3 format of tooltips; axisFormat: of the axis, coarser. */
  value: { field: string; title: string; format: string; axisFormat?: string; percent?: boolean };
  systems: readonly string[];
}

function groupedBars(chart: BarChart): Record<string, unknown> {
  const { category, value } = chart;
  // Wide enough for every bar of a big matrix; such a chart takes a row of its own.
  const categories = new Set(chart.rows.map((row) => row[category.field])).size;
  const width = Math.min(MAX_WIDTH, Math.max(MIN_WIDTH, categories * (chart.systems.length * BAR_PX + 12)));
  return {
    $schema: SCHEMA,
    title: chart.title,
    width,
    height: HEIGHT,
    data: { values: chart.rows },
    mark: { type: 'bar' },
    encoding: {
      x: { field: category.field, type: 'nominal', title: category.title, axis: { labelAngle: categories > UPRIGHT_LABELS ? -35 : 0, labelLimit: 160 } },
      xOffset: { field: 'system', type: 'nominal', sort: chart.systems },
      y: {
        field: value.field,
        type: 'quantitative',
        title: value.title,
        axis: { format: value.axisFormat ?? value.format },
        ...(value.percent === true ? { scale: { domain: [0, 1] } } : {}),
      },
      color: { field: 'system', type: 'nominal', title: 'system', scale: { domain: chart.systems } },
      tooltip: [
        { field: 'system', type: 'nominal' },
        { field: category.field, type: 'nominal', title: category.title },
        { field: value.field, type: 'quantitative', title: value.title, format: value.format },
      ],
    },
  };
}

function cellLabel(cell: CellFigures, workloads: number): string {
  return workloads > 1 ? `${cell.workload} · ${cell.nemesis}` : cell.nemesis;
}

function rowsWith(cells: readonly CellFigures[], field: keyof CellFigures, workloads: number): Row[] {
  const rows: Row[] = [];
  for (const cell of cells) {
    const value = cell[field];
    if (typeof value === 'number') rows.push({ system: cell.system, cell: cellLabel(cell, workloads), [field]: value });
  }
  return rows;
}

/** Chart specs by element id, for renderPage. */
export function comparisonCharts(cells: readonly CellFigures[], faults: readonly FaultFigures[]): Record<string, unknown> {
  const systems = [...new Set([...cells.map((cell) => cell.system), ...faults.map((row) => row.system)])].sort();
  const workloads = new Set(cells.map((cell) => cell.workload)).size;
  const category = { field: 'cell', title: workloads > 1 ? 'workload · nemesis' : 'nemesis' };
  const candidates: Array<[string, BarChart]> = [
    ['chart-p99', { title: 'p99 latency (median over runs)', rows: rowsWith(cells, 'p99Ms', workloads), category, systems, value: { field: 'p99Ms', title: 'p99 latency (ms)', format: ',.1f', axisFormat: ',~r' } }],
    ['chart-p50', { title: 'p50 latency (median over runs)', rows: rowsWith(cells, 'p50Ms', workloads), category, systems, value: { field: 'p50Ms', title: 'p50 latency (ms)', format: ',.1f', axisFormat: ',~r' } }],
    [
      'chart-availability',
      {
        title: 'Availability during faults (ok / invoked)',
        rows: rowsWith(cells, 'availabilityDuringFaults', workloads),
        category,
        systems,
        value: { field: 'availabilityDuringFaults', title: 'availability', format: '.0%', percent: true },
      },
    ],
    [
      'chart-fault-availability',
      {
        title: 'Availability per fault kind',
        rows: faults.filter((row) => row.availability !== undefined).map((row) => ({ system: row.system, fault: row.fault, availability: row.availability! })),
        category: { field: 'fault', title: 'fault' },
        systems,
        value: { field: 'availability', title: 'availability', format: '.0%', percent: true },
      },
    ],
  ];
  const charts: Record<string, unknown> = {};
  for (const [id, chart] of candidates) if (chart.rows.length > 0) charts[id] = groupedBars(chart);
  return charts;
}
