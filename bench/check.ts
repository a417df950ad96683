/**
 * npm run bench:check [-- --baseline <commit>] [--rounds <n>]
 * The linearizability checker's speed and memory, measured in this run:
 * - shared histories: parse time of all 108, check time of the 102 etcd ones,
 *   of kv c50-ok, of kv c50-bad (every key explained, and --first-violation);
 *   every verdict must match index.tsv;
 * - the parse of a generated 1M-operation kv history in one thread and on
 *   every core, the search (parse excluded) of it and of a 100k-operation
 *   one, and `faultline check --model kv` on the 1M one as a whole process
 *   (wall time and peak RSS), each in a fresh process.
 * With --baseline, that commit is built in a temporary worktree and measured
 * the same way in the same run, rounds alternating; medians and ratios printed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { formatEvent } from '../common/history/index.js';
import { generateRegisterHistory } from '../checkers/linearizability/testing/generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const repositoryRoot = join(here, '..', '..');
// shared/ lies beside the clone (README: ../shared/histories).
const historiesDirectory = join(repositoryRoot, '..', 'shared', 'histories');
const temporary = mkdtempSync(join(tmpdir(), 'faultline-bench-'));

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at === -1 ? undefined : process.argv[at + 1];
}

function median(values: number[]): number {
  return [...values].sort((left, right) => left - right)[Math.floor(values.length / 2)]!;
}

function writeKvHistory(operations: number): string {
  const file = join(temporary, `kv-${operations}.jsonl`);
  const descriptor = openSync(file, 'w');
  let buffer: string[] = [];
  const options = { seed: 42, operations, processes: 30, keys: operations / 1000, infoRate: 0.01, valueRange: 1000, flavor: 'kv' as const };
  generateRegisterHistory(options, (event) => {
    buffer.push(`${formatEvent(event)}\n`);
    if (buffer.length < 10_000) return;
    writeSync(descriptor, buffer.join(''));
    buffer = [];
  });
  writeSync(descriptor, buffer.join(''));
  closeSync(descriptor);
  return file;
}

/** The baseline commit built in a temporary worktree sharing this tree's node_modules. */
function buildBaseline(commit: string): string {
  const root = join(temporary, 'baseline');
  execFileSync('git', ['-C', repositoryRoot, 'worktree', 'add', '--detach', root, commit], { stdio: 'ignore' });
  symlinkSync(join(repositoryRoot, 'node_modules'), join(root, 'node_modules'));
  execFileSync(process.execPath, [join(repositoryRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], { cwd: root, stdio: 'inherit' });
  return root;
}

function measure(root: string, mode: string, target: string): Record<string, number> {
  const output = execFileSync(process.execPath, [join(here, 'check-measure.js'), root, mode, target], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output) as Record<string, number>;
}

/** `faultline check` as a whole process: wall time and peak RSS (reported by a hook at exit). */
function wholeProcess(root: string, file: string): Record<string, number> {
  const hook = join(temporary, 'peak-rss.mjs');
  writeFileSync(hook, "process.on('exit', () => process.stderr.write(`\\nPEAK_RSS_KIB ${process.resourceUsage().maxRSS}\\n`));\n");
  const started = performance.now();
  const run = spawnSync(process.execPath, ['--import', hook, join(root, 'dist', 'harness', 'cli', 'main.js'), 'check', file, '--model', 'kv'], { encoding: 'utf8' });
  const wallMs = performance.now() - started;
  const peak = /PEAK_RSS_KIB (\d+)/.exec(run.stderr);
  if (run.status !== 0 || peak === null) throw new Error(`faultline check failed (${String(run.status)}): ${run.stderr}`);
  return { wallMs, peakMiB: Number(peak[1]) / 1024 };
}

function measureTree(root: string, files: { medium: string; large: string }): Record<string, number> {
  const shared = measure(root, 'shared', historiesDirectory);
  const medium = measure(root, 'search', files.medium);
  const large = measure(root, 'search', files.large);
  const whole = wholeProcess(root, files.large);
  return {
    ...shared,
    'search 100k kv ms': medium.searchMs!,
    'parse 1M kv one thread ms': large.parseOneThreadMs!,
    'parse 1M kv ms': large.parseMs!,
    'search 1M kv ms': large.searchMs!,
    'search 1M peak MiB': large.peakMiB!,
    'check 1M kv whole process ms': whole.wallMs!,
    'check 1M peak MiB': whole.peakMiB!,
  };
}

function report(rows: Record<string, number>[][], names: string[]): void {
  const figures = Object.keys(rows[0]![0]!);
  console.log(`\n${'figure (median of rounds)'.padEnd(34)} ${names.map((name) => name.padStart(16)).join(' ')}${names.length > 1 ? '   baseline/this' : ''}`);
  for (const figure of figures) {
    const values = rows.map((rounds) => median(rounds.map((round) => round[figure]!)));
    const ratio = values.length > 1 ? `   ${(values[1]! / values[0]!).toFixed(2)}x` : '';
    console.log(`${figure.padEnd(34)} ${values.map((value) => value.toFixed(1).padStart(16)).join(' ')}${ratio}`);
  }
}

function main(): void {
  const baselineCommit = argument('--baseline');
  const rounds = Number(argument('--rounds') ?? (baselineCommit === undefined ? 1 : 3));
  console.log('generating kv histories of 100k and 1M operations...');
  const files = { medium: writeKvHistory(100_000), large: writeKvHistory(1_000_000) };
  const trees = [{ name: 'this tree', root: repositoryRoot }];
  if (baselineCommit !== undefined) trees.push({ name: `baseline ${baselineCommit.slice(0, 7)}`, root: buildBaseline(baselineCommit) });
  const rows: Record<string, number>[][] = trees.map(() => []);
  for (let round = 0; round < rounds; round++) {
    trees.forEach((tree, index) => {
      const started = performance.now();
      rows[index]!.push(measureTree(tree.root, files));
      console.log(`round ${round + 1}/${rounds}, ${tree.name}: ${((performance.now() - started) / 1000).toFixed(0)} s`);
    });
  }
  report(rows, trees.map((tree) => tree.name));
}

try {
  main();
} finally {
  if (argument('--baseline') !== undefined) {
    spawnSync('git', ['-C', repositoryRoot, 'worktree', 'remove', '--force', join(temporary, 'baseline')], { stdio: 'ignore' });
  }
  rmSync(temporary, { recursive: true, force: true });
}
