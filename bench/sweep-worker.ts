/**
 * A sweep's worker process: runs the simulated runs the sweep sends it, one
 * at a time, and answers each with how it came out. The run directory goes
 * once its results are read; a seed is enough to make it again.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { resolveConfig, type RunConfig } from '../harness/run/config.js';
import { runTest } from '../harness/run/execute.js';
import { classify, type SweepRun } from './sweep-table.js';

export interface SweepJob {
  system: RunConfig['system'];
  workload: RunConfig['workload'];
  seed: number;
  /** Every other run setting (nemesis, time limit, out). */
  settings: Partial<RunConfig>;
}

export async function runJob(job: SweepJob): Promise<SweepRun> {
  const startedMs = performance.now();
  const base = { system: job.system, workload: job.workload, seed: job.seed };
  try {
    const config = resolveConfig('bench', job.seed, { ...job.settings, system: job.system, workload: job.workload, runtime: 'sim' });
    const outcome = await runTest(config, new Date(), () => {});
    rmSync(outcome.directory, { recursive: true, force: true });
    const { outcome: kind, findings } = classify(outcome.results);
    return { ...base, outcome: kind, findings, wallMs: performance.now() - startedMs };
  } catch (error) {
    // The harness's own failure: counted apart from what the system did.
    const sentence = error instanceof Error ? (error.stack ?? error.message).split('\n').slice(0, 3).join(' | ') : String(error);
    return { ...base, outcome: 'error', findings: [{ checker: 'harness', sentence }], wallMs: performance.now() - startedMs };
  }
}

if (process.send !== undefined) {
  process.on('message', (job: SweepJob) => {
    void runJob(job).then((run) => process.send!(run));
  });
}
