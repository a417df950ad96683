/**
 * index.html in a real browser (Debian's chromium, headless, via
 * playwright-core): made from real simulator runs of both engines under two
 * nemeses plus an interrupted run, it draws every chart with marks and logs
 * no error; made from hand-written results of four systems under three
 * workloads and four nemeses, its axis labels neither overlap nor leave
 * their chart. Screenshots are kept for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { writeIndexPage } from '../../reports/index-page.js';
import { findRunDirectories, loadStoredRuns, type StoredRun } from '../../reports/index-runs.js';
import { boxesOutside, chartGeometry, overlappingPairs } from '../../reports/testing/page-geometry.js';
import { resolveConfig } from '../run/config.js';
import { runTest } from '../run/execute.js';

const here = dirname(fileURLToPath(import.meta.url));
const output = resolve(here, '../../../.test-output/reports');
const folder = join(output, `index-runs-${process.pid}`);
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let browser: Browser | undefined;
after(async () => {
  await browser?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function makeRuns(): Promise<string> {
  let second = 0;
  for (const nemesis of ['partition', 'kill']) {
    for (const system of ['coordinator-raft', 'coordinator-zab'] as const) {
      const config = resolveConfig('test', 2, { system, nemesis, timeLimitSeconds: 5, out: folder });
      await runTest(config, new Date(Date.UTC(2026, 10, 22, 12, 0, second++)), () => true);
    }
  }
  const interrupted = join(folder, '20261122T130000Z-coordinator-zab-register-3');
  mkdirSync(interrupted, { recursive: true });
  writeFileSync(join(interrupted, 'config.json'), JSON.stringify(resolveConfig('test', 3, { system: 'coordinator-zab', out: folder })));
  return writeIndexPage(loadStoredRuns(findRunDirectories(folder)), { pageDirectory: folder, title: 'faultline comparison (browser test)' });
}

test('index.html draws every chart with marks and no console error in headless Chromium', async () => {
  rmSync(folder, { recursive: true, force: true });
  const page = await makeRuns();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30_000 });
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors: string[] = [];
  tab.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  tab.on('pageerror', (error) => errors.push(String(error)));
  // Any request other than the file itself would break the promise of an offline page.
  const requests: string[] = [];
  tab.on('request', (request) => requests.push(request.url()));
  await tab.goto(pathToFileURL(page).href, { timeout: 20_000 });
  await tab.waitForFunction(() => (globalThis as unknown as { faultlineCharts?: { pending: number } }).faultlineCharts?.pending === 0, undefined, { timeout: 20_000 });
  const state = await tab.evaluate(() => (globalThis as unknown as { faultlineCharts: { drawn: string[]; failed: unknown[] } }).faultlineCharts);
  assert.deepEqual(state.failed, []);
  assert.deepEqual([...state.drawn].sort(), ['chart-availability', 'chart-fault-availability', 'chart-p50', 'chart-p99']);
  for (const id of state.drawn) {
    const marks = await tab.locator(`#${id} svg .mark-rect path`).count();
    assert.ok(marks >= 4, `${id} has ${marks} bars`);
  }
  assert.equal(await tab.locator('#runs tbody tr').count(), 5);
  assert.equal(await tab.locator('#runs tr.incomplete').count(), 1);
  assert.deepEqual(errors, []);
  assert.deepEqual(requests, [pathToFileURL(page).href]);
  mkdirSync(output, { recursive: true });
  await tab.screenshot({ path: join(output, 'index.png'), fullPage: true });
});

const SYSTEMS = ['coordinator-raft', 'coordinator-zab', 'zookeeper', 'etcd'];
const NEMESES = ['partition', 'kill', 'partition,kill,pause,clock', 'clock'];

/** One run per system, workload and nemesis, with perf figures only: enough for the charts. */
function wideMatrix(): StoredRun[] {
  const runs: StoredRun[] = [];
  for (const [systemIndex, system] of SYSTEMS.entries()) {
    for (const workload of ['register', 'lock', 'sequence']) {
      for (const [nemesisIndex, nemesis] of NEMESES.entries()) {
        const share = 0.3 + ((systemIndex * 7 + nemesisIndex * 3) % 10) / 15;
        const faults = nemesis.split(',').map((fault) => ({ fault, invoked: 100, ok: Math.round(share * 100), latency: { p99Ms: 50 + systemIndex * 40 } }));
        const raw = { checker: 'perf', latency: { overall: { p50Ms: 2 + systemIndex, p99Ms: 40 + nemesisIndex * 30 + systemIndex * 25 } }, throughput: { okPerSecond: 80 }, duringFaults: { invoked: 200, ok: Math.round(share * 200) }, outsideFaults: { invoked: 300, ok: 290 }, faults };
        const id = `20261122T1${systemIndex}${nemesisIndex}000Z-${system}-${workload}-1`;
        runs.push({
          directory: join(folder, 'wide', id),
          id,
          startedAt: '2026-11-22T10:00:00Z',
          hasReport: false,
          config: { system, workload, nemesis, seed: 1, runtime: 'sim', bugs: [] },
          results: { valid: true, ops: 500, checkers: { perf: { valid: true, stats: {}, raw } } },
        } as StoredRun);
      }
    }
  }
  return runs;
}

test('the comparison charts of four systems keep their axis labels apart and inside the chart', async () => {
  const directory = join(folder, 'wide');
  mkdirSync(directory, { recursive: true });
  const page = writeIndexPage(wideMatrix(), { pageDirectory: directory, title: 'four systems (browser test)' });
  browser ??= await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: 30_000 });
  const tab = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await tab.goto(pathToFileURL(page).href, { timeout: 20_000 });
  await tab.waitForFunction(() => (globalThis as unknown as { faultlineCharts?: { pending: number } }).faultlineCharts?.pending === 0, undefined, { timeout: 20_000 });
  const charts = await chartGeometry(tab, 'div.chart', '.role-axis-label text');
  assert.deepEqual(charts.map((chart) => chart.id).sort(), ['chart-availability', 'chart-fault-availability', 'chart-p50', 'chart-p99']);
  for (const chart of charts) {
    assert.ok(chart.texts.length >= 4, `${chart.id} has axis labels`);
    assert.deepEqual(overlappingPairs(chart.texts), [], `axis labels of ${chart.id} overlap`);
    assert.deepEqual(boxesOutside(chart.texts, chart.svg), [], `axis labels of ${chart.id} leave the chart`);
  }
  const cells = charts.find((chart) => chart.id === 'chart-p99')!.texts.map((box) => box.text);
  assert.ok(cells.includes('sequencepartition,kill,pause,clock'), `a long label is drawn whole, in lines: ${JSON.stringify(cells)}`);
  mkdirSync(output, { recursive: true });
  await tab.screenshot({ path: join(output, 'index-four-systems.png'), fullPage: true });
  await tab.locator('div.charts').screenshot({ path: join(output, 'index-four-systems-charts.png') });
  await tab.close();
});
