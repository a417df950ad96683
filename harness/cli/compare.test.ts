/** faultline compare and faultline test --junit, run as a user runs them. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { compareCommandLine } from './commands/compare.js';

const here = dirname(fileURLToPath(import.meta.url));
const cli = join(here, 'main.js');
const out = resolve(here, `../../../.test-output/compare-${process.pid}`);

after(() => rmSync(out, { recursive: true, force: true }));

function faultline(...args: string[]): { code: number; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

const MATRIX = ['compare', '--systems', 'coordinator-raft,coordinator-zab', '--workloads', 'register', '--nemeses', 'partition', '--seeds', '1', '--time-limit', '5'];

test('compare runs both systems on the same seed, writes index.html linking both and JUnit, and exits 0', () => {
  const junit = join(out, 'table', 'junit.xml');
  const run = faultline(...MATRIX, '--out', join(out, 'table'), '--junit', junit);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /coordinator-raft\s+register\s+partition\s+1\s+valid/);
  assert.match(run.stdout, /coordinator-zab\s+register\s+partition\s+1\s+valid/);
  const page = /page: (.*index\.html)/.exec(run.stdout)?.[1];
  assert.ok(page !== undefined && existsSync(resolve(page)), run.stdout);
  const folder = dirname(resolve(page));
  assert.match(folder, /compare-\d{8}T\d{6}Z$/);
  const runs = readdirSync(folder).filter((name) => /^\d{8}T\d{6}Z-coordinator-/.test(name));
  assert.equal(runs.length, 2);
  const html = readFileSync(page, 'utf8');
  const command = `faultline compare --systems coordinator-raft,coordinator-zab --workloads register --nemeses partition --seeds 1 --time-limit 5 --out ${join(out, 'table')} --junit ${junit}`;
  assert.ok(html.includes(`<code>${command}</code>`), 'the page shows the whole command, --time-limit, --out and --junit included');
  for (const name of runs) assert.match(html, new RegExp(`href="${name}/(report\\.html)?"`), name);
  const configs = runs.map((name) => JSON.parse(readFileSync(join(folder, name, 'config.json'), 'utf8')) as { seed: number; system: string });
  assert.deepEqual(configs.map((config) => config.seed), [1, 1], 'the same seed for both systems');
  const xml = readFileSync(junit, 'utf8');
  assert.match(xml, /classname="faultline\.coordinator-raft\.register\.partition" name="linearizability:cas-register seed=1"/);
  assert.match(xml, /classname="faultline\.coordinator-zab\.register\.partition" name="split-brain seed=1"/);
  assert.equal(xml.match(/<testsuite /g)?.length, 2);
  assert.match(xml, /<testsuites name="faultline compare" tests="8" failures="0" errors="0"/);
});

test('the command line on the page has every flag given, quoted for the shell', () => {
  const argv = { systems: 'coordinator-raft', workloads: 'register,lock', nemeses: 'partition+kill', seeds: '1-3', runtime: 'sim', 'time-limit': 7, config: 'my runs.json', out: 'runs', json: true };
  assert.equal(compareCommandLine(argv), "faultline compare --systems coordinator-raft --workloads register,lock --nemeses partition+kill --seeds 1-3 --runtime sim --time-limit 7 --config 'my runs.json' --json");
});

test('compare --json prints one summary that parses', () => {
  const run = faultline(...MATRIX, '--out', join(out, 'json'), '--json');
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as { valid: unknown; exitCode: number; index: string; runs: Array<{ system: string; seed: number; valid: unknown; checkers: Record<string, unknown>; p99Ms: number | null }> };
  assert.equal(summary.valid, true);
  assert.equal(summary.exitCode, 0);
  assert.ok(existsSync(summary.index));
  assert.deepEqual(summary.runs.map((entry) => entry.system), ['coordinator-raft', 'coordinator-zab']);
  assert.ok(summary.runs.every((entry) => entry.seed === 1 && entry.checkers['linearizability:cas-register'] === true && typeof entry.p99Ms === 'number'));
});

test('usage mistakes exit 3 with one clear message and no run started', () => {
  const cases: [string[], RegExp][] = [
    [['--systems', 'coordinator-raft,mongodb'], /--systems: unknown system "mongodb"[\s\S]*coordinator-zab/],
    [['--nemeses', 'partition,flood'], /unknown nemesis "flood"/],
    [['--workloads', 'register,queue'], /--workloads: unknown workload "queue"[\s\S]*register, lock, lock-fencing, sequence/],
    [['--seeds', '1-500'], /more than 200 seeds/],
    [['--seeds', '1-100', '--nemeses', 'partition,kill'], /the matrix has 400 runs \(2 systems × 1 workloads × 2 nemeses × 100 seeds\), more than the 200/],
    [['--seeds', 'x'], /"x" is not a seed/],
    [['--time-limit', '0'], /--time-limit must be/],
    [['--shard', '3/2'], /--shard: shard 3 of 2 does not exist/],
    [['--shard', 'half'], /--shard: "half" is not a shard[\s\S]*K\/M/],
    [['--seeds', '1-300', '--shard', '1/2'], /the matrix has 300 runs \(2 systems × 1 workloads × 1 nemeses × 150 seeds\)/],
  ];
  for (const [args, pattern] of cases) {
    const run = faultline('compare', '--systems', 'coordinator-raft,coordinator-zab', '--out', join(out, 'usage'), ...args);
    assert.equal(run.code, 3, `${args.join(' ')}: ${run.stdout}${run.stderr}`);
    assert.match(run.stderr, pattern, args.join(' '));
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
  }
  assert.equal(existsSync(join(out, 'usage')), false, 'nothing was created');
});

test('a shard with none of the seeds runs nothing, creates nothing, and exits 0', () => {
  const run = faultline(...MATRIX, '--shard', '2/2', '--out', join(out, 'empty-shard'));
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stderr, /shard 2\/2 has none of the seeds 1: nothing to run/);
  assert.equal(existsSync(join(out, 'empty-shard')), false);
});

test('Ctrl-C stops the matrix after the current run, still writes the page, and exits 2', async () => {
  const args = [cli, 'compare', '--seeds', '1-40', '--time-limit', '20', '--out', join(out, 'interrupted'), '--json'];
  const child = spawn(process.execPath, args, { stdio: 'pipe' });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  await new Promise((resolveWait) => setTimeout(resolveWait, 1500));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolveExit) => child.on('exit', resolveExit));
  assert.equal(code, 2, stdout);
  const summary = JSON.parse(stdout) as { skipped: number; runs: unknown[]; index: string; valid: unknown };
  assert.ok(summary.skipped > 0 && summary.runs.length > 0 && summary.runs.length < 80, `${summary.runs.length} runs, ${summary.skipped} skipped`);
  assert.equal(summary.valid, 'unknown');
  assert.ok(existsSync(summary.index));
});

test('faultline test --junit writes one suite per run', () => {
  const junit = join(out, 'test-junit.xml');
  const run = faultline('test', '--time-limit', '5', '--seed', '4', '--test-count', '2', '--out', join(out, 'test'), '--junit', junit);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const xml = readFileSync(junit, 'utf8');
  assert.equal(xml.match(/<testsuite /g)?.length, 2);
  assert.match(xml, /name="perf seed=5"/);
  assert.match(xml, /<property name="run" value="[^"]*coordinator-raft-register-4"\/>/);
});
