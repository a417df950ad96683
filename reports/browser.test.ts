/**
 * Run reports in a real browser: real runs on the simulator (valid, caught
 * bug, sequence bug) and hand-made ones (lock overlap, split brain, markup in
 * every field) are written to report.html, opened from file:// in headless
 * Chromium, and must draw every chart with marks, with no console error and
 * no request. A full-page screenshot of each is kept under
 * .test-output/reports/ for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { resolveConfig, type RunConfig } from '../harness/run/config.js';
import { runTest } from '../harness/run/execute.js';
import { writeRunReport } from './index.js';
import { HOSTILE, HOSTILE_IMAGE, writeHostileRun, writeLockOverlapRun, writeOverlappingFaultsRun, writeSplitBrainRun } from './testing/crafted-runs.js';
import { boxesOutside, chartGeometry, overlappingPairs, type ChartGeometry } from './testing/page-geometry.js';

const OUT = fileURLToPath(new URL('../../.test-output/reports/', import.meta.url));
const RUNS = join(OUT, 'runs');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const PAGE_TIMEOUT_MS = 15_000;

interface PageGlobals {
  faultlineCharts?: { pending: number; drawn: string[]; failed: unknown[]; finishedMs?: number };
  pwned?: number;
  document: {
    querySelectorAll(selector: string): ArrayLike<{ id: string; querySelectorAll(selector: string): { length: number } }>;
    getElementById(id: string): unknown;
    body: { innerText: string };
    documentElement: { scrollWidth: number };
  };
}

interface Rendered {
  charts: Record<string, number>;
  failed: unknown[];
  anomalies: boolean;
  anomalyCharts: number;
  text: string;
  pwned: number | undefined;
  scrollWidth: number;
  /** The texts drawn by the anomaly charts' marks (their labels), with each chart's plot area. */
  anomalyLabels: ChartGeometry[];
  /** Each time chart's fault track bars, and the labels its marks draw (of faults, and of terms on the roles chart). */
  faultBars: ChartGeometry[];
  faultLabels: ChartGeometry[];
  /** Text of the chart tooltip after hovering a latency point, when asked for. */
  tooltip?: string;
  errors: string[];
}

let browser: Browser | undefined;

async function render(name: string, runDirectory: string, hoverLatencyPoint = false): Promise<Rendered> {
  const file = await writeRunReport(runDirectory);
  const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${String(error)}`));
  page.on('requestfailed', (request) => errors.push(`request failed: ${request.url()}`));
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) errors.push(`request: ${request.url()}`);
  });
  try {
    await page.goto(pathToFileURL(file).href, { timeout: PAGE_TIMEOUT_MS });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).faultlineCharts?.finishedMs !== undefined, null, { timeout: PAGE_TIMEOUT_MS });
    // Hovered first, so a tooltip that ran markup would show in `pwned` below.
    let tooltip: string | undefined;
    if (hoverLatencyPoint) {
      const point = page.locator('#chart-latency svg .mark-symbol path').nth(3);
      await point.scrollIntoViewIfNeeded({ timeout: PAGE_TIMEOUT_MS });
      await point.hover({ force: true, timeout: PAGE_TIMEOUT_MS });
      await page.waitForSelector('#vg-tooltip-element.visible', { timeout: PAGE_TIMEOUT_MS });
      tooltip = await page.locator('#vg-tooltip-element').innerText();
    }
    const state = await page.evaluate(() => {
      const globals = globalThis as unknown as PageGlobals;
      const charts: Record<string, number> = {};
      for (const element of Array.from(globals.document.querySelectorAll('div.chart'))) {
        charts[element.id] = element.querySelectorAll('svg .role-mark > *').length;
      }
      return {
        charts,
        failed: globals.faultlineCharts!.failed,
        anomalies: globals.document.getElementById('anomalies') !== null,
        anomalyCharts: globals.document.querySelectorAll('#anomalies div.chart').length,
        text: globals.document.body.innerText,
        pwned: globals.pwned,
        scrollWidth: globals.document.documentElement.scrollWidth,
      };
    });
    const anomalyLabels = await chartGeometry(page, '#anomalies div.chart', '.role-mark text');
    const timeCharts = '#chart-latency, #chart-throughput, #chart-roles';
    const faultBars = await chartGeometry(page, timeCharts, '.fault_track_layer_0_marks path');
    const faultLabels = await chartGeometry(page, timeCharts, '.role-mark text');
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
    return { ...state, anomalyLabels, faultBars, faultLabels, errors, ...(tooltip === undefined ? {} : { tooltip }) };
  } finally {
    await page.close();
  }
}

function assertDrawn(name: string, rendered: Rendered): void {
  assert.deepEqual(rendered.errors, [], `${name}: console errors or requests`);
  assert.deepEqual(rendered.failed, [], `${name}: charts that failed`);
  assert.ok(Object.keys(rendered.charts).length >= 3, `${name}: only ${Object.keys(rendered.charts).length} charts`);
  for (const [id, marks] of Object.entries(rendered.charts)) assert.ok(marks > 0, `${name}: chart ${id} drew no marks`);
  assert.ok(rendered.scrollWidth <= 1200, `${name}: the page is ${rendered.scrollWidth} px wide, wider than a 1200 px window`);
  for (const chart of rendered.anomalyLabels) {
    assert.deepEqual(overlappingPairs(chart.texts), [], `${name}: labels of ${chart.id} overlap`);
    assert.deepEqual(boxesOutside(chart.texts, chart.plot), [], `${name}: labels of ${chart.id} leave the plot`);
  }
  for (const chart of [...rendered.faultBars, ...rendered.faultLabels]) {
    assert.deepEqual(overlappingPairs(chart.texts), [], `${name}: fault bars or labels of ${chart.id} overlap`);
    assert.deepEqual(boxesOutside(chart.texts, chart.plot), [], `${name}: fault bars or labels of ${chart.id} leave the plot`);
  }
}

async function simulatedRun(overrides: Partial<RunConfig>, seed: number): Promise<string> {
  const config = resolveConfig('test', seed, { out: RUNS, timeLimitSeconds: 10, ...overrides });
  return (await runTest(config, new Date(), () => {})).directory;
}

/**
 * The first of a few seeds whose run the named checker finds invalid, with
 * that checker's sentence. Which seed catches a bug moves whenever the
 * coordinator's timing changes, so the test looks for one rather than pinning it.
 */
async function caughtRun(overrides: Partial<RunConfig>, checker: string): Promise<{ directory: string; sentence: string }> {
  for (let seed = 1; seed <= 8; seed++) {
    const config = resolveConfig('test', seed, { out: RUNS, timeLimitSeconds: 10, ...overrides });
    const outcome = await runTest(config, new Date(), () => {});
    const result = outcome.results.checkers[checker];
    if (result?.valid === false) return { directory: outcome.directory, sentence: String(result.sentence ?? '') };
  }
  assert.fail(`${checker} caught nothing in 8 seeds of ${JSON.stringify(overrides)}`);
}

describe('run reports in Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    rmSync(RUNS, { recursive: true, force: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: PAGE_TIMEOUT_MS });
  });
  after(async () => {
    await browser?.close();
  });

  it('a valid run draws every chart and has no anomaly section', async () => {
    const directory = await simulatedRun({ system: 'coordinator-raft', workload: 'register', nemesis: 'partition' }, 1);
    const rendered = await render('valid-register', directory);
    assertDrawn('valid', rendered);
    assert.deepEqual(Object.keys(rendered.charts).sort(), ['chart-availability', 'chart-latency', 'chart-roles', 'chart-throughput']);
    assert.equal(rendered.anomalies, false);
    assert.match(rendered.text, /valid — every checker found the history valid/);
    assert.match(rendered.text, /npx faultline replay /);
    assert.match(rendered.text, /npx faultline test --system coordinator-raft .*--seed 1/);
  });

  it('a caught bug shows the linearizability anomaly drawn beside its sentence', async () => {
    const { directory, sentence } = await caughtRun({ bugs: ['follower-local-read'], timeLimitSeconds: 30 }, 'linearizability:cas-register');
    const rendered = await render('invalid-register', directory);
    assertDrawn('invalid', rendered);
    assert.equal(rendered.anomalies, true);
    assert.ok(rendered.anomalyCharts >= 1);
    assert.ok(rendered.anomalyLabels.some((chart) => chart.texts.length >= 2), 'the ops of the stretch are labelled (the shortest stretch is the impossible op and one before it)');
    assert.match(rendered.text, /VIOLATION — a checker found a violation/);
    assert.match(rendered.text, /cannot be linearized/);
    assert.ok(sentence.length > 20 && rendered.text.includes(sentence), `the checker's sentence is on the page: ${sentence}`);
  });

  it('a sequence bug shows the ids out of order and who got them', async () => {
    const { directory } = await caughtRun({ workload: 'sequence', bugs: ['unreplicated-sequence'], nemesis: 'kill,partition' }, 'sequence');
    const rendered = await render('invalid-sequence', directory);
    assertDrawn('sequence', rendered);
    assert.equal(rendered.anomalies, true);
    assert.match(rendered.text, /process \d+ got \d+ at/);
  });

  it('a lock held twice shows the overlapping holds', async () => {
    const directory = join(RUNS, 'crafted-lock');
    writeLockOverlapRun(directory);
    const rendered = await render('invalid-lock', directory);
    assertDrawn('lock', rendered);
    assert.equal(rendered.anomalies, true);
    assert.ok(rendered.anomalyCharts >= 1);
    assert.match(rendered.text, /both held the lock a from/);
  });

  it('split brain shows both leaders and the writes each acknowledged', async () => {
    const directory = join(RUNS, 'crafted-split-brain');
    writeSplitBrainRun(directory);
    const rendered = await render('invalid-split-brain', directory);
    assertDrawn('split-brain', rendered);
    assert.match(rendered.text, /Writes n1 \(term 1\) acknowledged while both led/);
    assert.match(rendered.text, /Writes n2 \(term 2\) acknowledged while both led/);
  });

  it('three faults on at once each get a lane of their own and a whole label', async () => {
    const directory = join(RUNS, 'crafted-overlapping-faults');
    writeOverlappingFaultsRun(directory);
    const rendered = await render('overlapping-faults', directory);
    assertDrawn('overlapping faults', rendered);
    assert.deepEqual(rendered.faultBars.map((chart) => [chart.id, chart.texts.length]), [['chart-latency', 5], ['chart-throughput', 5], ['chart-roles', 5]]);
    const labels = rendered.faultLabels.find((chart) => chart.id === 'chart-latency')!.texts.map((box) => box.text);
    for (const label of ['#1 partition isolate-leader n1 | n2 n3', '#2 kill one n3', '#3 clock strobe n2', '#4 pause majority n1 n2', '#5 partition halves n1 n2 | n3']) {
      assert.ok(labels.includes(label), `${label} is drawn whole: ${JSON.stringify(labels)}`);
    }
  });

  it('markup in a history shows as text and never runs', async () => {
    const directory = join(RUNS, 'crafted-hostile');
    writeHostileRun(directory);
    const rendered = await render('hostile', directory, true);
    assertDrawn('hostile', rendered);
    assert.equal(rendered.pwned, undefined, 'markup from the history ran, in the page or a tooltip');
    assert.ok(rendered.text.includes(HOSTILE), 'the <script> value is shown as text');
    assert.ok(rendered.text.includes(HOSTILE_IMAGE), 'the <img> value is shown as text');
    assert.ok(rendered.tooltip?.includes(HOSTILE), `the chart tooltip shows the key as text: ${rendered.tooltip}`);
  });
});
