/**
 * npm run bench:check — the linearizability checker's speed and memory.
 * 1. Every shared history: ops, verdict, check time (median of 3, in-process,
 *    parse excluded, after one warm-up pass over the set), with totals per
 *    set; a wrong verdict fails the bench.
 * 2. Generated register histories of 10k, 100k and 1M operations (many keys,
 *    10-50 processes, 1% info), each in a fresh process for an honest peak RSS.
 * 3. A generated 1M-operation file through faultline check's whole path.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { OperationPairer, formatEvent, readOperations, type Operation } from '../common/history/index.js';
import { checkLinearizable } from '../checkers/linearizability/check.js';
import { createModel } from '../checkers/linearizability/models/index.js';
import { checkLinearizableParallel } from '../checkers/linearizability/parallel.js';
import { generateRegisterHistory } from '../checkers/linearizability/testing/generate.js';

const here = dirname(fileURLToPath(import.meta.url));
const historiesDirectory = join(here, '..', '..', '..', 'shared', 'histories');
const SETS = [
  { name: 'etcd', model: 'cas-register', porcupineMs: 163 },
  { name: 'kv', model: 'kv', porcupineMs: undefined },
] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function benchSharedSet(set: (typeof SETS)[number]): Promise<boolean> {
  const index = readFileSync(join(historiesDirectory, set.name, 'index.tsv'), 'utf8').trim().split('\n').slice(1);
  let totalMs = 0;
  let slowest = { file: '', ms: 0 };
  let allCorrect = true;
  const model = createModel(set.model);
  const loaded: { file: string; expected: string; operations: Operation[] }[] = [];
  for (const row of index) {
    const [file, , expected] = row.split('\t') as [string, string, string];
    loaded.push({ file, expected, operations: (await readOperations(join(historiesDirectory, set.name, file))).operations });
  }
  // One untimed pass first, so the figures are of compiled code, not of the JIT warming up.
  for (const { operations } of loaded) checkLinearizable(model, operations, { nowMs: () => performance.now(), timeoutMs: 60_000 });
  for (const { file, expected, operations } of loaded) {
    const times: number[] = [];
    let verdict: unknown;
    for (let round = 0; round < 3; round++) {
      const result = checkLinearizable(model, operations, { nowMs: () => performance.now(), timeoutMs: 60_000 });
      times.push(result.checkMs);
      verdict = result.valid;
    }
    const ms = median(times);
    const correct = (verdict === true) === (expected === 'ok') && verdict !== 'unknown';
    allCorrect &&= correct;
    totalMs += ms;
    if (ms > slowest.ms) slowest = { file, ms };
    const mark = correct ? '' : `   WRONG: expected ${expected}`;
    console.log(`  ${file.padEnd(16)} ${String(operations.length).padStart(5)} ops  ${String(verdict).padEnd(7)} ${ms.toFixed(2).padStart(8)} ms${mark}`);
  }
  const reference = set.porcupineMs === undefined ? '' : ` (Porcupine: ${set.porcupineMs} ms)`;
  console.log(`${set.name}: ${index.length} histories in ${totalMs.toFixed(1)} ms${reference}; slowest ${slowest.file} ${slowest.ms.toFixed(1)} ms`);
  return allCorrect;
}

function benchGenerated(operations: number): void {
  const keys = Math.max(10, Math.round(operations / 1000));
  const processes = 10 + (operations % 41);
  const pairer = new OperationPairer();
  const generateStarted = performance.now();
  generateRegisterHistory({ seed: 42, operations, processes, keys, infoRate: 0.01, valueRange: 1000 }, (event) => pairer.add(event));
  const history = pairer.finish();
  const generateMs = performance.now() - generateStarted;
  const result = checkLinearizable(createModel('cas-register'), history.operations, {
    nowMs: () => performance.now(),
    timeoutMs: 60_000,
  });
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    `  generated ${String(operations).padStart(7)} ops, ${keys} keys, ${processes} processes: ${String(result.valid).padEnd(5)} ` +
      `check ${(result.checkMs / 1000).toFixed(2)} s (generate+pair ${(generateMs / 1000).toFixed(2)} s), peak RSS ${peakMiB.toFixed(0)} MiB`,
  );
  if (result.valid !== true) process.exitCode = 1;
}

/** The whole `faultline check` path on a file: streaming parse, then keys (hard ones in workers). */
async function benchFile(file: string): Promise<void> {
  const started = performance.now();
  const { operations } = await readOperations(file);
  const parsed = performance.now();
  const result = await checkLinearizableParallel('cas-register', {}, operations, { nowMs: () => performance.now(), timeoutMs: 60_000 });
  const finished = performance.now();
  const peakMiB = process.resourceUsage().maxRSS / 1024;
  console.log(
    `  file of ${operations.length} ops through faultline check's path: ${String(result.valid)}, parse ${((parsed - started) / 1000).toFixed(2)} s ` +
      `+ check ${((finished - parsed) / 1000).toFixed(2)} s = ${((finished - started) / 1000).toFixed(2)} s, peak RSS ${peakMiB.toFixed(0)} MiB`,
  );
}

function writeGeneratedFile(operations: number): string {
  const file = join(mkdtempSync(join(tmpdir(), 'faultline-bench-')), `generated-${operations}.jsonl`);
  const descriptor = openSync(file, 'w');
  let buffer: string[] = [];
  const flush = () => {
    writeSync(descriptor, buffer.join(''));
    buffer = [];
  };
  generateRegisterHistory({ seed: 42, operations, processes: 30, keys: operations / 1000, infoRate: 0.01, valueRange: 1000 }, (event) => {
    buffer.push(`${formatEvent(event)}\n`);
    if (buffer.length >= 10_000) flush();
  });
  flush();
  closeSync(descriptor);
  return file;
}

async function main(): Promise<void> {
  const [mode, argument] = process.argv.slice(2);
  if (mode === 'generated') return benchGenerated(Number(argument));
  if (mode === 'file') return benchFile(argument!);
  let correct = true;
  for (const set of SETS) correct = (await benchSharedSet(set)) && correct;
  console.log('generated histories (each in a fresh process):');
  for (const size of [10_000, 100_000, 1_000_000]) {
    const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), 'generated', String(size)], { encoding: 'utf8' });
    process.stdout.write(output);
  }
  const file = writeGeneratedFile(1_000_000);
  process.stdout.write(execFileSync(process.execPath, [fileURLToPath(import.meta.url), 'file', file], { encoding: 'utf8' }));
  rmSync(dirname(file), { recursive: true, force: true });
  if (!correct) {
    console.log('some verdicts were wrong');
    process.exitCode = 1;
  }
}

await main();
