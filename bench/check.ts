/**
 * npm run bench:check — the linearizability checker's speed and memory.
 * 1. Every shared history: ops, verdict, check time (median of 3, in-process,
 *    parse excluded), with totals per set; a wrong verdict fails the bench.
 * 2. Generated register histories of 10k, 100k and 1M operations (many keys,
 *    10-50 processes, 1% info), each in a fresh process for an honest peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { OperationPairer, readOperations } from '../common/history/index.js';
import { checkLinearizable } from '../checkers/linearizability/check.js';
import { createModel } from '../checkers/linearizability/models/index.js';
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
  for (const row of index) {
    const [file, , expected] = row.split('\t') as [string, string, string];
    const { operations } = await readOperations(join(historiesDirectory, set.name, file));
    const model = createModel(set.model);
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

async function main(): Promise<void> {
  const generatedSize = process.argv[2];
  if (generatedSize !== undefined) {
    benchGenerated(Number(generatedSize));
    return;
  }
  let correct = true;
  for (const set of SETS) correct = (await benchSharedSet(set)) && correct;
  console.log('generated histories (each in a fresh process):');
  for (const size of [10_000, 100_000, 1_000_000]) {
    const output = execFileSync(process.execPath, [fileURLToPath(import.meta.url), String(size)], { encoding: 'utf8' });
    process.stdout.write(output);
  }
  if (!correct) {
    console.log('some verdicts were wrong');
    process.exitCode = 1;
  }
}

await main();
