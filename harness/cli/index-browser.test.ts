/**
 * index.html in a real browser (Debian's chromium, headless, via
 * playwright-core): made from real simulator runs of both engines under two
 * nemeses plus an interrupted run, it draws every chart with marks and logs
 * no error; a screenshot is kept for a person to look at.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { writeIndexPage } from '../../reports/index-page.js';
import { findRunDirectories, loadStoredRuns } from '../../reports/index-runs.js';
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
