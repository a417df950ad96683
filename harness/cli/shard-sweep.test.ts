/**
 * The sweep of issue 14, run as CI runs it: a dozen simulator seeds, once
 * unsharded and once as 3 shards in 3 folders merged by `faultline index`,
 * give the same verdicts, the same JUnit test cases and the same distinct
 * failures. A planted bug makes some seeds fail, so the sets are not all valid.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { temporaryDirectory } from '../../common/testing/temporary-directory.js';

const cli = join(dirname(fileURLToPath(import.meta.url)), 'main.js');
const SEEDS = 12;
const SWEEP = ['test', '--system', 'coordinator-zab', '--bug', 'follower-local-read', '--seed', '1', '--test-count', String(SEEDS), '--time-limit', '3', '--json'];

function faultline(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 300_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

interface Summary {
  seed: number;
  valid: unknown;
  checkers: Record<string, unknown>;
  traceHash?: string;
}

/** Each run's summary line without its folder, which differs between the sweeps. */
function summaries(stdout: string): Summary[] {
  return stdout.trim().split('\n').filter((line) => line !== '').map((line) => {
    const { run, ...summary } = JSON.parse(line) as Summary & { run: string };
    assert.ok(run.endsWith(`-${summary.seed}`), run);
    return summary;
  });
}

/** Each JUnit test case as "class name outcome", sorted: what a CI tool shows. */
function junitCases(file: string): string[] {
  const xml = readFileSync(file, 'utf8');
  const cases = [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"[^>]*?(\/>|>\s*<(failure|error))/g)];
  return cases.map((match) => `${match[1]} ${match[2]} ${match[4] ?? 'passed'}`).sort();
}

/** The distinct-failures table without its links (the runs lie in different folders). */
function groupsTable(page: string): string {
  const html = readFileSync(page, 'utf8');
  return html.slice(html.indexOf('<h2>Distinct failures</h2>'), html.indexOf('<h2>Systems side by side</h2>')).replace(/href="[^"]*"/g, '');
}

test('a 3-shard sweep merged by faultline index gives the same verdicts as the unsharded sweep over the same seeds', () => {
  const folder = temporaryDirectory('faultline-shard-sweep-');
  const whole = faultline(...SWEEP, '--out', join(folder, 'whole'));
  assert.equal(whole.code, 1, whole.stderr);
  const wholeRuns = summaries(whole.stdout);
  assert.deepEqual(wholeRuns.map((run) => run.seed), Array.from({ length: SEEDS }, (_, offset) => offset + 1));
  assert.ok(wholeRuns.some((run) => run.valid === true) && wholeRuns.some((run) => run.valid === false), 'the bug fails some seeds, not all');

  const shardRuns: Summary[] = [];
  for (let shard = 1; shard <= 3; shard++) {
    const part = faultline(...SWEEP, '--shard', `${shard}/3`, '--out', join(folder, 'artifacts', `shard-${shard}`));
    assert.ok(part.code === 0 || part.code === 1, part.stderr);
    const runs = summaries(part.stdout);
    assert.deepEqual(runs.map((run) => run.seed), [shard, shard + 3, shard + 6, shard + 9], 'round-robin slices');
    shardRuns.push(...runs);
  }
  const bySeed = (runs: Summary[]): Summary[] => [...runs].sort((left, right) => left.seed - right.seed);
  assert.deepEqual(bySeed(shardRuns), bySeed(wholeRuns), 'per seed: the same verdicts, checker by checker, and the same simulation trace');

  const merged = faultline('index', ...[1, 2, 3].map((shard) => join(folder, 'artifacts', `shard-${shard}`)), '--out', folder, '--junit', join(folder, 'merged.xml'));
  const single = faultline('index', join(folder, 'whole'), '--junit', join(folder, 'whole.xml'));
  assert.equal(merged.code, 1, `a violation fails the merge job: ${merged.stdout}${merged.stderr}`);
  assert.equal(single.code, merged.code);
  const failing = wholeRuns.filter((run) => run.valid === false).length;
  assert.match(merged.stdout, new RegExp(`: ${SEEDS} runs, ${failing} with a violation \\(\\d+ distinct\\)`));
  assert.equal(merged.stdout.replace(/^wrote \S+/, ''), single.stdout.replace(/^wrote \S+/, ''));
  assert.deepEqual(junitCases(join(folder, 'merged.xml')), junitCases(join(folder, 'whole.xml')));
  assert.equal(junitCases(join(folder, 'merged.xml')).length, SEEDS * Object.keys(wholeRuns[0]!.checkers).length);
  assert.equal(groupsTable(join(folder, 'index.html')), groupsTable(join(folder, 'whole', 'index.html')));
  assert.match(groupsTable(join(folder, 'index.html')), /VIOLATION/);

  // A runner's folder downloaded twice, its runs/latest link copied as a folder (as artifact uploads do): the repeats are said, latest is not a run.
  const copy = join(folder, 'artifacts', 'again');
  cpSync(join(folder, 'artifacts', 'shard-1'), copy, { recursive: true, dereference: true });
  assert.ok(existsSync(join(copy, 'latest', 'config.json')));
  const twice = faultline('index', join(folder, 'artifacts', 'shard-1'), join(folder, 'artifacts', 'shard-2'), join(folder, 'artifacts', 'shard-3'), copy, '--out', folder);
  assert.equal(twice.code, 1);
  assert.match(twice.stdout, new RegExp(`: ${SEEDS + 4} runs,`));
  const empty = join(folder, 'artifacts', 'empty');
  mkdirSync(empty);
  const none = faultline('index', empty);
  assert.equal(none.code, 2, 'a merge of no runs (artifacts missing) does not pass');
  assert.match(none.stderr, /no run directories under .*empty: nothing was judged/);
  assert.match(twice.stderr, /4 seeds ran more than once \(were two runners given the same --shard\?\): seed \d+ of coordinator-zab register partition bugs=follower-local-read ran 2 times/);
});
