/**
 * How fast a big run's report is written and drawn: generates a synthetic
 * run directory of 100,000 ops (see report-history.ts), writes its
 * report.html, opens it in headless Chromium and prints the time from
 * navigation to every chart drawn (target: under 3 s), and the file size.
 *
 *   node dist/bench/report.js [--ops N]
 */
import { rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { writeRunReport } from '../reports/index.js';
import { writeSyntheticRun } from './report-history.js';

const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const TARGET_MS = 3000;
const DRAW_TIMEOUT_MS = 60_000;

function operationsWanted(): number {
  const position = process.argv.indexOf('--ops');
  const value = position === -1 ? 100_000 : Number(process.argv[position + 1]);
  if (!Number.isInteger(value) || value < 1 || value > 2_000_000) throw new Error('--ops takes a whole number from 1 to 2000000');
  return value;
}

/** What the page holds, typed here because the project compiles without the DOM library. */
interface PageGlobals {
  faultlineCharts?: { finishedMs?: number; drawn: string[]; failed: unknown[] };
  document: { querySelectorAll(selector: string): { length: number } };
}

interface DrawResult {
  navigationToDrawnMs: number;
  charts: number;
  marks: number;
  failed: unknown[];
  errors: string[];
}

async function drawInBrowser(file: string): Promise<DrawResult> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS, timeout: DRAW_TIMEOUT_MS });
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(pathToFileURL(file).href, { timeout: DRAW_TIMEOUT_MS });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).faultlineCharts?.finishedMs !== undefined, null, { timeout: DRAW_TIMEOUT_MS });
    const state = await page.evaluate(() => {
      const page = globalThis as unknown as PageGlobals;
      const charts = page.faultlineCharts!;
      return { finishedMs: charts.finishedMs!, drawn: charts.drawn.length, failed: charts.failed, marks: page.document.querySelectorAll('.chart svg .role-mark > *').length };
    });
    return { navigationToDrawnMs: state.finishedMs, charts: state.drawn, marks: state.marks, failed: state.failed, errors };
  } finally {
    await browser.close();
  }
}

async function main(): Promise<void> {
  const operations = operationsWanted();
  const directory = resolve('.test-output', 'bench-report', `synthetic-${operations}`);
  rmSync(directory, { recursive: true, force: true });
  let started = performance.now();
  writeSyntheticRun(directory, { operations });
  const generateMs = performance.now() - started;
  started = performance.now();
  const file = await writeRunReport(directory);
  const writeMs = performance.now() - started;
  const historyBytes = statSync(join(directory, 'history.jsonl')).size;
  const reportBytes = statSync(file).size;
  const drawn = await drawInBrowser(file);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
  process.stdout.write(
    `report bench: ${operations} ops (history ${mb(historyBytes)}, generated in ${generateMs.toFixed(0)} ms)\n` +
      `  writeRunReport: ${writeMs.toFixed(0)} ms -> ${file}\n` +
      `  report.html: ${mb(reportBytes)}\n` +
      `  browser: navigation to all ${drawn.charts} charts drawn: ${drawn.navigationToDrawnMs.toFixed(0)} ms (target < ${TARGET_MS} ms), ${drawn.marks} SVG marks\n`,
  );
  if (drawn.failed.length > 0 || drawn.errors.length > 0) {
    process.stdout.write(`  PROBLEMS: failed charts ${JSON.stringify(drawn.failed)}, console errors ${JSON.stringify(drawn.errors)}\n`);
    process.exitCode = 1;
  }
  process.stdout.write(`report: ${drawn.navigationToDrawnMs.toFixed(0)} ms to draw ${operations} ops, ${mb(reportBytes)} ${drawn.navigationToDrawnMs < TARGET_MS ? '(under target)' : '(OVER TARGET)'}\n`);
}

await main();
