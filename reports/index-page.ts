/**
 * index.html: one page over many stored runs. The systems side by side
 * (charts, and latency and availability per matrix cell and per fault kind),
 * then every run's verdicts, newest first, each linking to its report.html.
 * Everything read from run files is escaped; a run without results.json
 * (interrupted) is listed as incomplete.
 */
import { writeFileAtomically } from '../common/atomic-file.js';
import { join } from 'node:path';
import { FaultlineError } from '../common/errors.js';
import { escapeHtml, renderPage } from './html.js';
import { comparisonCharts } from './index-charts.js';
import { availabilityOf, cellFigures, faultFigures, runPerf, type CellFigures, type FaultFigures } from './index-figures.js';
import { runLink, runVerdict, type StoredRun } from './index-runs.js';
import { groupViolations, violationGroupsSection } from './violation-groups.js';
import { verdictWord, type Verdict } from '../checkers/checker.js';

export const INDEX_FILE = 'index.html';
/** Above this many runs (a merged sweep), the runs table lists only those that were not valid: the JUnit file lists them all. */
export const MAX_RUN_ROWS = 1000;

export interface IndexPageOptions {
  title?: string;
  /** The directory index.html goes in: links to runs are relative to it. */
  pageDirectory: string;
  generatedAt?: Date;
  /** A line under the title, e.g. the command that made the runs. */
  subtitle?: string;
}

const STYLE = `
.charts{display:flex;flex-wrap:wrap;gap:8px 24px}
td.number{text-align:right;font-variant-numeric:tabular-nums}
tr.incomplete td{background:#fff8c5}
td.name{white-space:nowrap}.id{font-size:11px;word-break:break-all}
.checker{white-space:nowrap}td.seeds{max-width:260px;font-size:12px}.sentence{display:block;max-width:560px;white-space:normal;font-size:12px}
`;

function verdictCell(verdict: Verdict, incomplete: boolean): string {
  if (incomplete) return '<span class="unknown">incomplete</span>';
  const word = verdictWord(verdict);
  return `<span class="${word.toLowerCase()}">${word}</span>`;
}

function milliseconds(value: number | undefined): string {
  return value === undefined ? '–' : value.toFixed(1);
}

function percent(value: number | undefined): string {
  return value === undefined ? '–' : `${(value * 100).toFixed(1)}%`;
}

function cellTable(cells: readonly CellFigures[]): string {
  const rows = cells.map((cell) => {
    const { valid, violation, unknown, incomplete } = cell.verdicts;
    const verdicts = [`<span class="valid">${valid} valid</span>`];
    if (violation > 0) verdicts.push(`<span class="violation">${violation} VIOLATION</span>`);
    if (unknown > 0) verdicts.push(`<span class="unknown">${unknown} unknown</span>`);
    if (incomplete > 0) verdicts.push(`<span class="unknown">${incomplete} incomplete</span>`);
    return `<tr><td>${escapeHtml(cell.workload)}</td><td>${escapeHtml(cell.nemesis)}</td><td>${escapeHtml(cell.system)}</td>
<td class="number">${cell.runs}</td><td>${verdicts.join(', ')}</td><td class="number">${milliseconds(cell.p50Ms)}</td>
<td class="number">${milliseconds(cell.p99Ms)}</td><td class="number">${percent(cell.availabilityDuringFaults)}</td>
<td class="number">${percent(cell.availabilityOutsideFaults)}</td><td class="number">${cell.okPerSecond === undefined ? '–' : cell.okPerSecond.toFixed(1)}</td></tr>`;
  });
  return `<table id="systems"><thead><tr><th>workload</th><th>nemesis</th><th>system</th><th>runs</th><th>verdicts</th>
<th>p50 ms</th><th>p99 ms</th><th>availability during faults</th><th>outside faults</th><th>ok/s</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function faultTable(faults: readonly FaultFigures[]): string {
  if (faults.length === 0) return '<p class="muted">No fault windows were recorded.</p>';
  const rows = faults.map(
    (row) => `<tr><td>${escapeHtml(row.system)}</td><td>${escapeHtml(row.fault)}</td><td class="number">${row.windows}</td>
<td class="number">${row.invoked}</td><td class="number">${percent(row.availability)}</td><td class="number">${milliseconds(row.p99Ms)}</td></tr>`,
  );
  return `<table id="faults"><thead><tr><th>system</th><th>fault</th><th>windows</th><th>ops invoked</th><th>availability</th>
<th>p99 ms (median over windows)</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function checkerList(run: StoredRun): string {
  if (run.results === undefined) return `<span class="muted">${escapeHtml(run.problem ?? '')}</span>`;
  const checkers = Object.entries(run.results.checkers);
  const notValid = checkers.filter(([, checker]) => checker.valid !== true);
  // Valid checkers are only counted, so the reasons of the others stand out.
  const items = notValid.map(([name, checker]) => {
    const why = `<span class="sentence">${escapeHtml(checker.sentence ?? checker.reason ?? '')}</span>`;
    // A finding the run's read mode allows is labelled, so it cannot pass for a broken promise.
    const expected = checker.expectedUnder === undefined ? '' : ` <span class="muted">(expected under read mode promising ${escapeHtml(checker.expectedUnder)}; not counted)</span>`;
    return `<div class="checker">${escapeHtml(name)}: ${verdictCell(checker.valid, false)}${expected}${why}</div>`;
  });
  const validNames = checkers.filter(([, checker]) => checker.valid === true).map(([name]) => name);
  if (validNames.length > 0) {
    const label = notValid.length === 0 ? `all ${validNames.length} valid` : `${validNames.length} other${validNames.length === 1 ? '' : 's'} valid`;
    items.push(`<div class="muted" title="${escapeHtml(validNames.join(', '))}">${label}</div>`);
  }
  if (run.results.incomplete !== undefined) items.unshift(`<div class="unknown">cut short: ${escapeHtml(run.results.incomplete)}</div>`);
  return items.join('');
}

function runRow(run: StoredRun, pageDirectory: string): string {
  const config = run.config;
  const incomplete = run.results === undefined;
  const perf = runPerf(run);
  const link = run.hasReport ? 'report' : 'run files';
  const field = (value: unknown): string => (config === undefined ? '<span class="muted">?</span>' : escapeHtml(value));
  return `<tr class="${incomplete ? 'incomplete' : ''}"><td class="name">${escapeHtml(run.startedAt.replace('T', ' '))}</td>
<td class="name">${field(config?.system)}</td><td>${field(config?.workload)}</td><td>${field(config?.nemesis)}</td><td class="number">${field(config?.seed)}</td>
<td>${verdictCell(runVerdict(run), incomplete)}</td><td>${checkerList(run)}</td><td class="number">${run.results?.ops ?? '–'}</td>
<td class="number">${milliseconds(perf?.p99Ms)}</td><td class="number">${percent(availabilityOf(perf?.during))}</td>
<td><a href="${escapeHtml(runLink(pageDirectory, run))}">${link}</a><div class="muted id">${escapeHtml(run.id)}</div></td></tr>`;
}

function runTable(all: readonly StoredRun[], pageDirectory: string): string {
  const runs = all.length <= MAX_RUN_ROWS ? all : all.filter((run) => runVerdict(run) !== true);
  const note = runs.length === all.length ? '' : `<p class="muted">${all.length - runs.length} valid runs are not listed here (more than ${MAX_RUN_ROWS} runs); the JUnit file lists every run.</p>`;
  return `${note}<table id="runs"><thead><tr><th>started (UTC)</th><th>system</th><th>workload</th><th>nemesis</th><th>seed</th><th>verdict</th>
<th>checkers</th><th>ops</th><th>p99 ms</th><th>availability during faults</th><th>run</th></tr></thead>
<tbody>${runs.map((run) => runRow(run, pageDirectory)).join('\n')}</tbody></table>`;
}

function headline(runs: readonly StoredRun[]): string {
  const count = (predicate: (run: StoredRun) => boolean): number => runs.filter(predicate).length;
  const incomplete = count((run) => run.results === undefined);
  const parts = [
    `${runs.length} run${runs.length === 1 ? '' : 's'}`,
    `<span class="valid">${count((run) => runVerdict(run) === true)} valid</span>`,
    `<span class="violation">${count((run) => runVerdict(run) === false)} VIOLATION</span>`,
    `<span class="unknown">${count((run) => runVerdict(run) === 'unknown' && run.results !== undefined)} unknown</span>`,
  ];
  if (incomplete > 0) parts.push(`<span class="unknown">${incomplete} incomplete</span>`);
  return parts.join(' · ');
}

/** The page as one self-contained HTML string. */
export function renderIndexPage(runs: readonly StoredRun[], options: IndexPageOptions): string {
  const title = options.title ?? 'faultline runs';
  const cells = cellFigures(runs);
  const faults = faultFigures(runs);
  const charts = comparisonCharts(cells, faults);
  const chartDivs = Object.keys(charts).map((id) => `<div class="chart" id="${escapeHtml(id)}"></div>`).join('');
  const generated = (options.generatedAt ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z');
  const body = [
    `<h1>${escapeHtml(title)}</h1>`,
    options.subtitle === undefined ? '' : `<p><code>${escapeHtml(options.subtitle)}</code></p>`,
    `<p>${headline(runs)} <span class="muted">· generated ${escapeHtml(generated)}</span></p>`,
    violationGroupsSection(groupViolations(runs), options.pageDirectory),
    '<h2>Systems side by side</h2>',
    '<p class="muted">Per workload, nemesis and system: latency is the median of the runs\' percentiles; availability is ok over invoked for every operation invoked while a fault was on (or while none was), pooled over the runs.</p>',
    chartDivs === '' ? '<p class="muted">No run has performance figures yet.</p>' : `<div class="charts">${chartDivs}</div>`,
    cellTable(cells),
    '<h3>Per fault kind</h3>',
    faultTable(faults),
    '<h2>Runs, newest first</h2>',
    runTable(runs, options.pageDirectory),
  ].join('\n');
  return renderPage({ title, body, style: STYLE, charts });
}

/** Writes <pageDirectory>/index.html (through a temporary file, so a reader never sees half a page); returns its path. */
export function writeIndexPage(runs: readonly StoredRun[], options: IndexPageOptions): string {
  const path = join(options.pageDirectory, INDEX_FILE);
  try {
    writeFileAtomically(path, renderIndexPage(runs, options));
  } catch (error) {
    throw new FaultlineError('E_CONFIG', `cannot write ${INDEX_FILE} (${(error as Error).message})`, { where: path, hint: 'choose a writable directory' });
  }
  return path;
}
