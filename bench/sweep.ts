/**
 * npm run bench:sweep — many seeds of every engine and workload on the
 * simulator under all faults, two at once, spread over worker processes; per
 * combination: valid, violation, unknown, crashed (and harness errors), runs
 * per minute on one core, and each run that was not valid with its checker
 * and sentence. First, the simulator's runs per minute on one core for a
 * 30 s register run under all faults, with nothing else of ours running.
 *
 * The one-core figure is given twice: over wall time, and over the CPU time
 * this process used (threads included), which other load on the machine
 * does not inflate; the README sizes its CI sweep from it.
 *
 * Options: --seeds N per combination (250; 0: the one-core figure only), --first S (5000), --engines
 * raft,zab, --workloads register,lock,lock-fencing,sequence, --jobs J (the
 * cores), --speed-runs K per engine for the one-core figure (3; 0 skips it),
 * --run-timeout seconds of wall time per run (300).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { RunConfig } from '../harness/run/config.js';
import { WORKLOAD_NAMES } from '../workloads/index.js';
import { optionValue } from './system-runs.js';
import { aggregate, formatTable, type SweepRun } from './sweep-table.js';
import { runJob, type SweepJob } from './sweep-worker.js';

const SETTINGS: Partial<RunConfig> = { nemesis: 'all', maxActiveFaults: 2, timeLimitSeconds: 30 };
const ENGINES = { raft: 'coordinator-raft', zab: 'coordinator-zab' } as const;

interface SweepOptions {
  seeds: number;
  first: number;
  systems: RunConfig['system'][];
  workloads: RunConfig['workload'][];
  jobs: number;
  speedRuns: number;
  runTimeoutMs: number;
}

function wholeNumber(argv: readonly string[], name: string, fallback: number, minimum: number, maximum: number): number {
  const text = optionValue(argv, name);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < minimum || value > maximum) throw new Error(`${name} must be a whole number from ${minimum} to ${maximum}, got ${text}`);
  return value;
}

function listOf<T extends string>(argv: readonly string[], name: string, choices: readonly T[]): T[] {
  const text = optionValue(argv, name);
  if (text === undefined) return [...choices];
  const named = text.split(',').map((item) => item.trim());
  for (const item of named) if (!choices.includes(item as T)) throw new Error(`${name}: unknown "${item}"; choose from ${choices.join(', ')}`);
  return named as T[];
}

function parseOptions(argv: readonly string[]): SweepOptions {
  return {
    seeds: wholeNumber(argv, '--seeds', 250, 0, 100_000),
    first: wholeNumber(argv, '--first', 5000, 0, Number.MAX_SAFE_INTEGER),
    systems: listOf(argv, '--engines', ['raft', 'zab'] as const).map((engine) => ENGINES[engine]),
    workloads: listOf(argv, '--workloads', WORKLOAD_NAMES),
    jobs: wholeNumber(argv, '--jobs', Math.min(2, availableParallelism()), 1, 64),
    speedRuns: wholeNumber(argv, '--speed-runs', 3, 0, 1000),
    runTimeoutMs: wholeNumber(argv, '--run-timeout', 300, 1, 86_400) * 1000,
  };
}

/** Runs per minute of one core: this process alone, runs one after another. */
async function oneCoreSpeed(options: SweepOptions, out: string): Promise<string[]> {
  const lines: string[] = [];
  for (const system of options.systems) {
    const startedMs = performance.now();
    const startedCpu = process.cpuUsage();
    const counts: Record<string, number> = {};
    for (let seed = options.first; seed < options.first + options.speedRuns; seed++) {
      const run = await runJob({ system, workload: 'register', seed, settings: { ...SETTINGS, out } });
      counts[run.outcome] = (counts[run.outcome] ?? 0) + 1;
    }
    const seconds = (performance.now() - startedMs) / 1000;
    const cpu = process.cpuUsage(startedCpu);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const outcomes = Object.entries(counts).map(([outcome, count]) => `${count} ${outcome}`).join(', ');
    const perMinute = (elapsed: number): string => ((options.speedRuns * 60) / elapsed).toFixed(1);
    lines.push(
      `one core, ${system} register, all faults (2 at once), 30 s: ${options.speedRuns} run${options.speedRuns === 1 ? '' : 's'} in ${seconds.toFixed(1)} s = ` +
        `${perMinute(seconds)} runs/min of wall time, ${perMinute(cpuSeconds)} runs/min of CPU time (${cpuSeconds.toFixed(1)} s; ${outcomes})`,
    );
  }
  return lines;
}

/** Runs every job on `jobs` worker processes; a run past its timeout kills its worker and counts as an error. */
async function runPool(jobs: SweepJob[], options: SweepOptions, onRun: (run: SweepRun) => void): Promise<SweepRun[]> {
  const workerPath = join(fileURLToPath(new URL('.', import.meta.url)), 'sweep-worker.js');
  const results: SweepRun[] = [];
  let next = 0;
  const lane = async (): Promise<void> => {
    let worker: ChildProcess | undefined;
    while (next < jobs.length) {
      const job = jobs[next++] as SweepJob;
      worker ??= fork(workerPath, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
      const run = await oneJob(worker, job, options.runTimeoutMs);
      if (run.findings[0]?.checker === 'sweep') {
        worker.kill('SIGKILL');
        worker = undefined;
      }
      results.push(run);
      onRun(run);
    }
    worker?.disconnect();
  };
  await Promise.all(Array.from({ length: Math.min(options.jobs, jobs.length) }, lane));
  return results;
}

function oneJob(worker: ChildProcess, job: SweepJob, timeoutMs: number): Promise<SweepRun> {
  const startedMs = performance.now();
  return new Promise((resolve) => {
    const done = (run: SweepRun): void => {
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('exit', onExit);
      resolve(run);
    };
    const failed = (sentence: string): void =>
      done({ system: job.system, workload: job.workload, seed: job.seed, outcome: 'error', findings: [{ checker: 'sweep', sentence }], wallMs: performance.now() - startedMs });
    const onMessage = (run: SweepRun): void => done(run);
    const onExit = (code: number | null, signal: string | null): void => failed(`the worker process ended (code ${code}, signal ${signal})`);
    const timer = setTimeout(() => failed(`the run took longer than ${timeoutMs / 1000} s of wall time`), timeoutMs);
    worker.on('message', onMessage);
    worker.on('exit', onExit);
    worker.send(job);
  });
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const out = mkdtempSync(join(tmpdir(), 'faultline-sweep-'));
  try {
    if (options.speedRuns > 0) for (const line of await oneCoreSpeed(options, out)) console.log(line);
    if (options.seeds === 0) return;
    const combinations = options.systems.flatMap((system) => options.workloads.map((workload) => ({ system, workload })));
    const jobs: SweepJob[] = [];
    for (let seed = options.first; seed < options.first + options.seeds; seed++) {
      for (const { system, workload } of combinations) jobs.push({ system, workload, seed, settings: { ...SETTINGS, out } });
    }
    const startedMs = performance.now();
    let finished = 0;
    const runs = await runPool(jobs, options, () => {
      finished++;
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${finished}/${jobs.length} runs`);
    });
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    const minutes = (performance.now() - startedMs) / 60_000;
    console.log(`\nsweep: seeds ${options.first}..${options.first + options.seeds - 1} per combination, nemesis all, 2 faults at once, 30 s, simulator`);
    console.log(`${runs.length} runs in ${(minutes * 60).toFixed(0)} s on ${options.jobs} worker processes = ${(runs.length / minutes).toFixed(1)} runs/min in all\n`);
    process.stdout.write(formatTable(aggregate(runs, combinations)));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

await main();
