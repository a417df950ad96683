/**
 * Availability per fault window: the share of ops invoked inside each fault
 * that ended ok, beside the share inside any fault and outside every fault.
 */
import type { AvailabilityRow } from '../series.js';
import { CHART_WIDTH } from './common.js';

const SUMMARY_COLORS: Record<string, string> = { 'any fault': '#6e7781', 'no fault': '#2da44e' };

export function availabilitySpec(rows: readonly AvailabilityRow[], colors: { domain: string[]; range: string[] }): Record<string, unknown> {
  const domain = [...colors.domain, ...Object.keys(SUMMARY_COLORS)];
  const range = [...colors.range, ...Object.values(SUMMARY_COLORS)];
  const data = rows.map((row) => ({
    ...row,
    // Nothing invoked: drawn as 0 with the label saying so, rather than left out.
    share: row.availability ?? 0,
    text: row.availability === null ? 'no ops invoked' : `${(row.availability * 100).toFixed(1)}%  (${row.ok} ok of ${row.invoked})`,
  }));
  const y = { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelLimit: 420, labelFontSize: 11 } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: CHART_WIDTH - 420,
    height: { step: 20 },
    data: { values: data },
    layer: [
      {
        mark: { type: 'bar', opacity: 0.85 },
        encoding: {
          y,
          x: { field: 'share', type: 'quantitative', title: 'ops that ended ok (% of ops invoked in the window)', scale: { domain: [0, 1] }, axis: { format: '%' } },
          color: { field: 'fault', type: 'nominal', title: 'window', scale: { domain, range }, legend: { orient: 'right' } },
          tooltip: [
            { field: 'label', title: 'window' },
            { field: 'invoked', title: 'ops invoked' },
            { field: 'ok', title: 'ended ok' },
            { field: 'share', title: 'availability', format: '.1%' },
          ],
        },
      },
      // Long bars carry their label inside, short ones beside them, so no label leaves the plot.
      {
        transform: [{ filter: 'datum.share > 0.6' }],
        mark: { type: 'text', align: 'right', dx: -4, fontSize: 10, color: '#ffffff', fontWeight: 'bold' },
        encoding: { y, x: { field: 'share', type: 'quantitative' }, text: { field: 'text' } },
      },
      {
        transform: [{ filter: 'datum.share <= 0.6' }],
        mark: { type: 'text', align: 'left', dx: 4, fontSize: 10, color: '#1b1f24' },
        encoding: { y, x: { field: 'share', type: 'quantitative' }, text: { field: 'text' } },
      },
    ],
  };
}
