/**
 * Reading run directories for the report: clear input errors for what is
 * not a run, a report for a run cut short that says what is missing, and a
 * 100,000-op run whose page stays small because every chart is capped.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { writeSyntheticRun } from '../bench/report-history.js';
import { FaultlineError } from '../common/errors.js';
import { readRunFiles, writeRunReport } from './index.js';

const OUT = fileURLToPath(new URL('../../.test-output/reports/run-files/', import.meta.url));
rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });
after(() => rmSync(join(OUT, 'big'), { recursive: true, force: true }));

async function inputError(directory: string, message: RegExp): Promise<void> {
  await assert.rejects(readRunFiles(directory), (error: unknown) => {
    assert.ok(error instanceof FaultlineError, String(error));
    assert.equal(error.code, 'E_INPUT');
    assert.match(error.message, message);
    assert.equal(error.where, directory);
    return true;
  });
}

describe('run directories', () => {
  it('refuses what is not a run directory with one clear input error', async () => {
    await inputError(join(OUT, 'missing'), /run directory not found/);
    mkdirSync(join(OUT, 'empty'), { recursive: true });
    await inputError(join(OUT, 'empty'), /has no config.json/);
    writeFileSync(join(OUT, 'a-file'), 'x');
    await inputError(join(OUT, 'a-file'), /it is a file/);
    mkdirSync(join(OUT, 'bad-config'), { recursive: true });
    writeFileSync(join(OUT, 'bad-config', 'config.json'), '{not json');
    await inputError(join(OUT, 'bad-config'), /config.json is not valid JSON/);
  });

  it('reports a run cut short: the history so far is drawn and the missing results are named', async () => {
    const directory = join(OUT, 'cut-short');
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, 'config.json'), JSON.stringify({ system: 'coordinator-zab', workload: 'register', seed: 4 }));
    const lines = [
      { index: 0, time: 0, process: 0, type: 'invoke', f: 'write', key: '1', value: 3 },
      { index: 1, time: 2e6, process: 0, type: 'ok', f: 'write', key: '1', value: 3 },
    ].map((event) => JSON.stringify(event));
    // The last line was being written when the run died.
    writeFileSync(join(directory, 'history.jsonl'), `${lines.join('\n')}\n{"index":2,"ti`);
    const path = await writeRunReport(directory);
    const html = readFileSync(path, 'utf8');
    assert.match(html, /results.json is missing: the run stopped before its checks/);
    assert.match(html, /history.jsonl:3: the last line is cut short .* judged up to line 2/);
    assert.match(html, /unknown<\/strong> — the run has no results/);
    assert.match(html, /1 in all: 1 ok, 0 fail, 0 info/);
  });

  interface ChartSpec {
    data?: { values: unknown[] };
    layer?: ChartSpec[];
    vconcat?: ChartSpec[];
  }
  /** Rows embedded in a chart, its layers and its concatenated parts (the fault track) included. */
  const embeddedValues = (spec: ChartSpec): number =>
    (spec.data?.values.length ?? 0) + [...(spec.layer ?? []), ...(spec.vconcat ?? [])].reduce((sum, part) => sum + embeddedValues(part), 0);

  it('keeps the page of a 100,000-op run small: chart data is capped', async () => {
    const directory = join(OUT, 'big');
    writeSyntheticRun(directory, { operations: 100_000 });
    const path = await writeRunReport(directory);
    const html = readFileSync(path, 'utf8');
    const charts = JSON.parse(/<script type="application\/json" id="faultline-charts">([\s\S]*?)<\/script>/.exec(html)![1]!) as Record<string, ChartSpec>;
    const points = embeddedValues(charts['chart-latency']!);
    assert.ok(points <= 9500, `${points} latency points embedded`);
    assert.ok(statSync(path).size < 3 * 1024 * 1024, `report is ${statSync(path).size} bytes`);
    assert.match(html, /100000 in all/);
  });
});
