/**
 * Leader failover, measured as clients see it: per runtime and system, a
 * register run under the kill nemesis, and for every kill of the leader alone
 * the time until the first ok write invoked after the kill (election, the
 * clients learning their in-flight ops are unknown, and finding the new leader).
 *
 *   node dist/bench/failover.js [sim|local|docker ...] [--systems a,b] [--engine raft|zab] [--seconds S] [--seed N]
 *
 * Defaults: local and docker, every system that runs there, 40 s of faults, seed 1. Which kills
 * hit the leader follows the seeded schedule and the cluster's timing, so a run
 * may see a few or none; raise --seconds for more.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunFiles } from '../reports/run-files.js';
import { optionValue, runSystem, systemsFrom } from './system-runs.js';
import { leaderKillGaps, type LeaderKillGap } from './failover-gaps.js';

type Runtime = 'sim' | 'local' | 'docker';

async function measure(runtime: Runtime, system: string, seconds: number, seed: number, out: string): Promise<LeaderKillGap[]> {
  const outcome = await runSystem(system, seed, { runtime, nemesis: 'kill', rate: 200, timeLimitSeconds: seconds, warmupSeconds: 2, recoverySeconds: 2, out });
  const files = await readRunFiles(outcome.directory);
  return leaderKillGaps(files.events, files.roles);
}

function describe(gaps: readonly LeaderKillGap[]): string {
  const measured = gaps.map((gap) => gap.gapMs).filter((gapMs): gapMs is number => gapMs !== null).sort((left, right) => left - right);
  if (measured.length === 0) return `${gaps.length} leader kills, none followed by an ok write`;
  const median = measured[Math.floor(measured.length / 2)] as number;
  const worst = measured[measured.length - 1] as number;
  const each = measured.map((gapMs) => gapMs.toFixed(0)).join(', ');
  return `${gaps.length} leader kills: first ok write after median ${median.toFixed(0)} ms, worst ${worst.toFixed(0)} ms (each: ${each})`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const named = argv.filter((argument): argument is Runtime => argument === 'sim' || argument === 'local' || argument === 'docker');
  const runtimes: Runtime[] = named.length > 0 ? named : ['local', 'docker'];
  const seconds = Number(optionValue(argv, '--seconds') ?? 40);
  const seed = Number(optionValue(argv, '--seed') ?? 1);
  const out = mkdtempSync(join(tmpdir(), 'faultline-bench-'));
  try {
    for (const runtime of runtimes) {
      for (const system of systemsFrom(argv, runtime)) {
        const gaps = await measure(runtime, system, seconds, seed, out);
        console.log(`${runtime.padEnd(6)} ${system.padEnd(16)} ${describe(gaps)}`);
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
