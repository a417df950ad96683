/**
 * The per-run HTML report: one self-contained page per run directory with
 * the verdicts, what was run and how to run it again, the anomalies
 * explained, and charts of latency, throughput, availability and roles.
 * renderRunReport is pure (files in, HTML out); writeRunReport reads a run
 * directory and writes its report.html.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { anomaliesSection } from './anomalies/index.js';
import { chartLibraryVersions } from './assets.js';
import { availabilitySpec } from './charts/availability.js';
import { epochWord, latencySpec, rolesSpec, throughputSpec, timeFrame } from './charts/time-charts.js';
import { faultBands, type FaultBand } from './faults.js';
import { escapeHtml, renderPage } from './html.js';
import { checkerInputOf, clientOperations } from './operations.js';
import type { RunReportInput, Section } from './report-types.js';
import { REPORT_STYLE } from './report-style.js';
import { readRunFiles, RUN_FILES } from './run-files.js';
import { sampleLatencies } from './sampling.js';
import { availabilityRows, latencyPercentiles, roleSegments, throughputBins, type AvailabilityRow } from './series.js';
import { secondsText, table } from './anomalies/common.js';
import { verdictWord, type CheckerInput } from '../checkers/checker.js';
import { summarizeFaultWindows } from '../checkers/perf/index.js';
import { summarySection } from './summary.js';

function chartBlock(id: string, heading: string, explanation: string, note = ''): string {
  return `<h3>${escapeHtml(heading)}</h3><p class="muted">${explanation}</p><div class="chart" id="${id}"></div>${note}`;
}

function chartsSection(input: RunReportInput, spans: ReturnType<typeof clientOperations>, bandsOf: ReturnType<typeof faultBands>, checkerInput: CheckerInput | undefined): Section {
  const lastRole = input.roles.reduce((latest, sample) => Math.max(latest, sample.time / 1e9), 0);
  const endSeconds = Math.max(spans.durationSeconds, lastRole, 0.001);
  const frame = timeFrame(bandsOf.bands, endSeconds);
  const charts: Record<string, unknown> = {};
  const blocks: string[] = ['<section id="charts"><h2>Over time</h2>'];
  if (bandsOf.total > bandsOf.bands.length) blocks.push(`<p class="muted">The first ${bandsOf.bands.length} of ${bandsOf.total} faults are drawn.</p>`);
  if (spans.operations.length === 0) blocks.push('<p>The history has no timed client operations to draw.</p>');
  else {
    const sample = sampleLatencies(spans.operations, endSeconds);
    charts['chart-latency'] = latencySpec(sample, latencyPercentiles(spans.operations, endSeconds), frame);
    const sampled = sample.okShown < sample.okTotal || sample.uncertainShown < sample.uncertainTotal;
    const note = sampled
      ? `<p class="muted small">Drawn: ${sample.uncertainShown} of ${sample.uncertainTotal} fail/info ops and ${sample.okShown} of ${sample.okTotal} ok ops (per time bin, the slowest and an even spread of the rest).</p>`
      : '';
    blocks.push(chartBlock('chart-latency', 'Latency of every op', 'Each dot is one op at the time it was invoked; height is how long it took to complete (info ops: until the client gave up). The lines are the median and 99th percentile of ok ops over time, from every op. Shaded bands are the faults, numbered in order.', note));
    const throughput = throughputBins(spans.operations, endSeconds);
    charts['chart-throughput'] = throughputSpec(throughput.bins, throughput.binSeconds, frame);
    blocks.push(chartBlock('chart-throughput', 'Throughput', 'Ops completed per second, stacked by outcome.'));
  }
  if (bandsOf.bands.length > 0 && spans.operations.length > 0 && checkerInput === undefined) {
    blocks.push('<p class="muted">Availability per fault window is not shown: the history breaks the rule that a process invokes one op at a time, so it cannot be counted the way the perf checker counts it.</p>');
  }
  if (bandsOf.bands.length > 0 && spans.operations.length > 0 && checkerInput !== undefined) {
    const rows = availabilityRows(summarizeFaultWindows(checkerInput), bandsOf.bands);
    const summaries = rows.filter((row) => row.kind === 'summary');
    const drawn = [...rows.filter((row) => row.kind === 'fault').slice(0, MAX_AVAILABILITY_BARS), ...summaries];
    charts['chart-availability'] = availabilitySpec(drawn, frame.colors);
    const more = rows.length > drawn.length ? ` The first ${MAX_AVAILABILITY_BARS} fault windows are drawn; the table lists all ${bandsOf.bands.length}.` : '';
    blocks.push(chartBlock('chart-availability', 'Availability per fault window', `Of the ops invoked while each fault was on, the share that ended ok (fail and info count as unavailable), against the ops invoked while no fault was on.${more}`, faultTable(bandsOf.bands, rows)));
  }
  const roles = roleSegments(input.roles);
  if (roles.segments.length > 0) {
    charts['chart-roles'] = rolesSpec(roles.segments, frame, input.config.system);
    const dropped = roles.dropped > 0 ? `<p class="muted small">${roles.dropped} later role changes are not drawn.</p>` : '';
    blocks.push(chartBlock('chart-roles', 'Node roles', `Each node's role as sampled during the run; leader bars name the ${epochWord(input.config.system)}.`, dropped));
  }
  blocks.push('</section>');
  return { html: blocks.join(''), charts };
}

const MAX_AVAILABILITY_BARS = 40;

function faultTable(bands: readonly FaultBand[], rows: readonly AvailabilityRow[]): string {
  const lines = bands.map((band, position) => {
    const row = rows[position];
    const share = row?.availability === null || row?.availability === undefined ? '' : `${(row.availability * 100).toFixed(1)}%`;
    return [`#${band.number}`, band.fault, band.label, secondsText(band.from), band.open ? 'never stopped' : secondsText(band.to), row?.invoked ?? '', share];
  });
  return `<details><summary>Every fault (${bands.length})</summary>${table(['#', 'fault', 'what', 'from', 'to', 'ops invoked', 'ended ok'], lines)}</details>`;
}

function faultCounts(bands: ReturnType<typeof faultBands>['bands']): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const band of bands) counts[band.fault] = (counts[band.fault] ?? 0) + 1;
  return counts;
}

/** The whole report page for a run's files. */
export function renderRunReport(input: RunReportInput): string {
  const spans = clientOperations(input.events);
  const bandsOf = faultBands(spans.nemesis, spans.durationSeconds);
  const checkerInput = checkerInputOf(input.events);
  const anomalies = anomaliesSection(input.results, { spans: spans.operations, input: checkerInput, endSeconds: spans.durationSeconds, epochWord: epochWord(input.config.system) });
  const charts = chartsSection(input, spans, bandsOf, checkerInput);
  const config = input.config;
  const verdict = verdictWord(input.results?.valid);
  const heading = `${config.system ?? 'unknown system'} · ${config.workload ?? 'unknown workload'} · seed ${config.seed ?? '?'}`;
  const generated = input.environment.generatedAt === undefined ? '' : ` on ${escapeHtml(input.environment.generatedAt)}`;
  const body = [
    `<header><div class="muted">faultline run report</div><h1>${escapeHtml(heading)}</h1><div class="muted"><code>${escapeHtml(input.directory)}</code></div></header>`,
    summarySection(input, { counts: spans.counts, durationSeconds: spans.durationSeconds, faults: faultCounts(bandsOf.bands) }),
    anomalies?.html ?? '',
    charts.html,
    `<footer class="muted small">Written by faultline${generated} from ${Object.values(RUN_FILES).filter((file) => file !== RUN_FILES.report).join(', ')}. Rebuild it with <code>npx faultline report &lt;run-dir&gt;</code>.</footer>`,
  ].join('\n');
  return renderPage({
    title: `faultline: ${heading} — ${verdict}`,
    body,
    style: REPORT_STYLE,
    charts: { ...(anomalies?.charts ?? {}), ...charts.charts },
  });
}

/** Reads a run directory, writes its report.html, and returns the report's path. */
export async function writeRunReport(runDirectory: string): Promise<string> {
  const files = await readRunFiles(runDirectory);
  const html = renderRunReport({
    ...files,
    environment: { nodeVersion: process.version, chartLibraries: chartLibraryVersions(), generatedAt: new Date().toISOString() },
  });
  const path = join(runDirectory, RUN_FILES.report);
  writeFileSync(path, html);
  return path;
}
