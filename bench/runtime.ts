/**
 * The real runtimes, measured: per runtime (Docker, network namespaces) and
 * system (every registered one that runs there), the time from the command
 * to a healthy 3-node cluster,
 * then the harness's register ops per second against it with 10 clients (no
 * faults, as fast as the clients go), with latency p50/p99 of ok ops.
 *
 *   node dist/bench/runtime.js [docker|local ...] [--systems a,b] [--engine raft|zab] [--seconds S] [--runs N]
 *
 * Targets of issue 6: healthy in under 5 s; at least 2,000 ops/s on a 2-core machine.
 * On a shared 2-vCPU machine one run's throughput swings by a factor of two
 * with the host's scheduling, so with --runs N every run is printed and then
 * the median and the best.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkPerf } from '../checkers/perf/index.js';
import { pairEvents, readHistory, type HistoryEvent } from '../common/history/index.js';
import { optionValue, runSystem, systemsFrom } from './system-runs.js';

interface Figures {
  healthyMs: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  ops: number;
  valid: unknown;
}

async function measure(runtime: 'docker' | 'local', system: string, seconds: number, out: string): Promise<Figures> {
  const outcome = await runSystem(system, 1, { runtime, nemesis: 'none', rate: 10_000, timeLimitSeconds: seconds, warmupSeconds: 1, recoverySeconds: 1, out });
  const events: HistoryEvent[] = [];
  for await (const event of readHistory(join(outcome.directory, 'history.jsonl'))) events.push(event);
  const { operations } = pairEvents(events);
  const perf = checkPerf({ operations, events });
  const stats = perf.stats as Record<string, number>;
  const completed = operations.filter((operation) => operation.status === 'ok');
  let firstNs = Infinity;
  let lastNs = 0;
  for (const operation of completed) {
    firstNs = Math.min(firstNs, operation.callTime ?? Infinity);
    lastNs = Math.max(lastNs, operation.returnTime ?? 0);
  }
  const spanNs = Math.max(1, lastNs - firstNs);
  return {
    healthyMs: outcome.report.healthyMs ?? Number.NaN,
    opsPerSecond: completed.length / (spanNs / 1e9),
    p50Ms: stats.latencyP50Ms ?? Number.NaN,
    p99Ms: stats.latencyP99Ms ?? Number.NaN,
    ops: operations.length,
    valid: outcome.results.valid,
  };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const runtimes = argv.filter((argument) => argument === 'docker' || argument === 'local') as ('docker' | 'local')[];
  const seconds = Number(optionValue(argv, '--seconds') ?? 10);
  const runs = Math.max(1, Number(optionValue(argv, '--runs') ?? 1));
  const out = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  try {
    for (const runtime of runtimes.length > 0 ? runtimes : (['docker', 'local'] as const)) {
      for (const system of systemsFrom(argv, runtime)) {
        const all: Figures[] = [];
        for (let run = 0; run < runs; run++) {
          const figures = await measure(runtime, system, seconds, out);
          all.push(figures);
          console.log(
            `${runtime.padEnd(6)} ${system.padEnd(16)} healthy in ${(figures.healthyMs / 1000).toFixed(2)} s   ` +
              `${figures.opsPerSecond.toFixed(0)} ops/s with 10 clients   p50 ${figures.p50Ms} ms   p99 ${figures.p99Ms} ms   ` +
              `(${figures.ops} ops, verdict ${String(figures.valid)})`,
          );
        }
        if (runs > 1) {
          const rates = all.map((figures) => figures.opsPerSecond).sort((left, right) => left - right);
          const healthy = all.map((figures) => figures.healthyMs).sort((left, right) => left - right);
          console.log(
            `${runtime.padEnd(6)} ${system.padEnd(16)} over ${runs} runs: ops/s median ${rates[Math.floor(runs / 2)]!.toFixed(0)}, best ${rates[runs - 1]!.toFixed(0)}, worst ${rates[0]!.toFixed(0)}; ` +
              `healthy median ${(healthy[Math.floor(runs / 2)]! / 1000).toFixed(2)} s, worst ${(healthy[runs - 1]! / 1000).toFixed(2)} s`,
          );
        }
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
