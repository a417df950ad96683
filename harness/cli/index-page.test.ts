/**
 * index.html from real simulator runs (made with runTest, as faultline test
 * makes them), with an interrupted run and hostile values beside them, and
 * `faultline index` over such a folder, run as a user would.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { renderIndexPage } from '../../reports/index-page.js';
import { findRunDirectories, loadStoredRuns } from '../../reports/index-runs.js';
import { resolveConfig, type RunConfig } from '../run/config.js';
import { runTest } from '../run/execute.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, 'main.js');
const root = resolve(here, '../../../.test-output/index-page');
const HOSTILE = '<img src=x onerror="window.pwned=1">&amp;';

/** Two real runs (one per engine, same seed) and three stored by hand: interrupted, unreadable results, hostile names. */
async function makeRuns(folder: string): Promise<void> {
  for (const system of ['coordinator-raft', 'coordinator-zab'] as const) {
    const config = resolveConfig('test', 5, { system, timeLimitSeconds: 5, out: folder });
    await runTest(config, new Date(Date.UTC(2026, 10, 22, 10, 0, system === 'coordinator-raft' ? 0 : 1)), () => true);
  }
  const interrupted = join(folder, '20261122T110000Z-coordinator-raft-register-9');
  mkdirSync(interrupted, { recursive: true });
  writeFileSync(join(interrupted, 'config.json'), JSON.stringify(resolveConfig('test', 9, { out: folder })));
  const unreadable = join(folder, '20261122T090000Z-coordinator-zab-register-8');
  mkdirSync(unreadable, { recursive: true });
  writeFileSync(join(unreadable, 'config.json'), JSON.stringify(resolveConfig('test', 8, { out: folder })));
  writeFileSync(join(unreadable, 'results.json'), '{"valid": tr');
  const hostile = join(folder, 'compare-20261122T080000Z', '20261122T080000Z-hostile-register-7');
  mkdirSync(hostile, { recursive: true });
  const config: Partial<RunConfig> & Record<string, unknown> = { system: HOSTILE as RunConfig['system'], workload: 'register', nemesis: HOSTILE, seed: 7, runtime: 'sim', bugs: [] };
  writeFileSync(join(hostile, 'config.json'), JSON.stringify(config));
  const results = { valid: false, ops: 1, checkers: { [HOSTILE]: { checker: HOSTILE, valid: false, anomalies: [1], stats: {}, sentence: `read ${HOSTILE} </script><script>window.pwned=2</script>` } } };
  writeFileSync(join(hostile, 'results.json'), JSON.stringify(results));
}

const folder = join(root, `runs-${process.pid}`);

before(async () => {
  rmSync(folder, { recursive: true, force: true });
  await makeRuns(folder);
});

after(() => rmSync(folder, { recursive: true, force: true }));

test('run directories are found under the folder and one level down, latest skipped, newest first', () => {
  const runs = loadStoredRuns(findRunDirectories(folder));
  assert.equal(runs.length, 5, runs.map((run) => run.id).join(' '));
  assert.deepEqual(runs.map((run) => run.startedAt), [...runs.map((run) => run.startedAt)].sort().reverse());
  assert.equal(runs[0]!.id, '20261122T110000Z-coordinator-raft-register-9');
  assert.equal(runs[0]!.results, undefined);
  assert.match(runs[0]!.problem ?? '', /no results\.json/);
  assert.match(runs.find((run) => run.id.endsWith('-8'))!.problem ?? '', /results\.json is unreadable/);
  assert.deepEqual(findRunDirectories(runs[1]!.directory), [runs[1]!.directory], 'a run directory given alone is a page of one run');
});

test('the page links every run, shows the incomplete ones, compares both engines, and escapes every value', () => {
  const runs = loadStoredRuns(findRunDirectories(folder));
  const html = renderIndexPage(runs, { pageDirectory: folder, generatedAt: new Date(0) });
  for (const run of runs) {
    const link = run.directory.slice(folder.length + 1);
    assert.ok(html.includes(`href="${run.hasReport ? `${link}/report.html` : `${link}/`}"`), `a link to ${link}`);
  }
  assert.match(html, /2 incomplete/);
  assert.match(html, /no results\.json: the run was interrupted/);
  assert.ok(html.includes('<td>coordinator-raft</td>') && html.includes('<td>coordinator-zab</td>'));
  for (const chart of ['chart-p99', 'chart-p50', 'chart-availability']) assert.ok(html.includes(`id="${chart}"`), chart);
  assert.ok(!html.includes(HOSTILE), 'the hostile value never appears raw');
  assert.ok(!html.includes('<script>window.pwned'), 'a sentence cannot open a script');
  assert.ok(html.includes('&lt;img src=x onerror=&quot;window.pwned=1&quot;&gt;&amp;amp;'));
});

test('faultline index writes <runs-dir>/index.html over stored and partial runs, exits with the worst verdict, and a missing folder exits 3', () => {
  assert.ok(existsSync(join(folder, 'latest')), 'runs/latest is there, and must not count twice');
  const junit = join(folder, 'junit.xml');
  const run = spawnSync(process.execPath, [cli, 'index', folder, '--junit', junit], { encoding: 'utf8', timeout: 60_000 });
  // The worst verdict is the exit code: the hand-made run with a violation makes it 1.
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /wrote .*index\.html: 5 runs, 1 with a violation \(1 distinct\), 2 incomplete/);
  const html = readFileSync(join(folder, 'index.html'), 'utf8');
  assert.equal(html.match(/<tr class="incomplete">/g)?.length, 2);
  assert.equal(readFileSync(junit, 'utf8').match(/<testsuite /g)?.length, 5);
  const missing = spawnSync(process.execPath, [cli, 'index', join(folder, 'nowhere')], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(missing.status, 3, missing.stderr);
  assert.match(missing.stderr, /not a folder of runs/);
  assert.doesNotMatch(missing.stderr, /\n\s+at /, 'no stack trace');
});
