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
/** Axis labels: 11 px sans-serif, whose widest common characters take about 7 px. */
const LABEL_CHARACTER_PX = 7;
/** A label line longer than this is cut with "…" (its tooltip has it whole). */
const LABEL_LIMIT_PX = 130;
/** Room between labels, and the least room for a vertical label of two lines. */
const LABEL_GAP_PX = 10;
const VERTICAL_STEP_PX = 30;
/** Label lines: "workload · nemesis" breaks at the dot, a list of nemeses after each comma. */
const LINE_SEPARATOR = ' · ';
const LINES_EXPRESSION = `split(replace(datum.label, /,/g, ',${LINE_SEPARATOR}'), '${LINE_SEPARATOR}')`;

type Row = Record<string, string | number>;

interface BarChart {
  title: string;
  rows: Row[];
  category: { field: string; title: string };
  /** format: d3 format of tooltips; axisFormat: of the axis, coarser. */
  value: { field: string; title: string; format: string; axisFormat?: string; percent?: boolean };
  systems: readonly string[];
}

/** The lines a category label is drawn in, as LINES_EXPRESSION draws them. */
export function labelLines(label: string): string[] {
  return label.replace(/,/g, `,${LINE_SEPARATOR}`).split(LINE_SEPARATOR);
}

/**
 * Each category gets room for its bars and its label, upright, in lines;
 * when that would make the chart wider than the page, the labels stand
 * vertical instead, so they never run into each other.
 */
function xLayout(labels: readonly string[], systems: number): { step: number; angle: number } {
  const barsPx = systems * BAR_PX + 12;
  const lineChars = Math.max(...labels.flatMap(labelLines).map((line) => line.length));
  const uprightStep = Math.max(barsPx, Math.min(lineChars * LABEL_CHARACTER_PX, LABEL_LIMIT_PX) + LABEL_GAP_PX);
  if (uprightStep * labels.length <= MAX_WIDTH) return { step: Math.max(uprightStep, MIN_WIDTH / labels.length), angle: 0 };
  return { step: Math.max(VERTICAL_STEP_PX, Math.min(barsPx, MAX_WIDTH / labels.length)), angle: -90 };
}

function groupedBars(chart: BarChart): Record<string, unknown> {
  const { category, value } = chart;
  const labels = [...new Set(chart.rows.map((row) => String(row[category.field])))];
  const { step, angle } = xLayout(labels, chart.systems.length);
  return {
    $schema: SCHEMA,
    title: chart.title,
    width: { step, for: 'position' },
    height: HEIGHT,
    data: { values: chart.rows },
    mark: { type: 'bar' },
    encoding: {
      x: {
        field: category.field,
        type: 'nominal',
        title: category.title,
        axis: { labelAngle: angle, labelAlign: angle === 0 ? 'center' : 'right', labelBaseline: angle === 0 ? 'top' : 'middle', labelLimit: LABEL_LIMIT_PX, labelExpr: LINES_EXPRESSION, labelPadding: 4 },
      },
      xOffset: { field: 'system', type: 'nominal', sort: chart.systems },
      y: {
        field: value.field,
        type: 'quantitative',
        title: value.title,
        axis: { format: value.axisFormat ?? value.format },
        ...(value.percent === true ? { scale: { domain: [0, 1] } } : {}),
      },
      // The legend above the plot, so two charts still fit side by side.
      color: { field: 'system', type: 'nominal', title: 'system', scale: { domain: chart.systems }, legend: { orient: 'top', direction: 'horizontal', labelLimit: 200 } },
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
