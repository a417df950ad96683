/**
 * npm run bench:shrink — for each planted bug of the coordinator on each
 * engine, with the bug's own workload and nemesis: the first seed (of 20,
 * or --seeds N) whose 30 s simulated run is caught, then `faultline shrink`
 * of it: operations, faults and seconds before and after, the runs tried and
 * the wall time. Goal (issue 15): every shrunk run has at most a tenth of the
 * original's operations and at most 2 faults, found in under 60 s.
 *
 *   node dist/bench/shrink.js [bug-name] [--seeds N] [--progress]
 *
 * --progress prints each candidate run to stderr (what `faultline shrink` prints).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUG_MODES } from '../clusters/coordinator/bugs.js';
import { resolveConfig } from '../harness/run/config.js';
import { runTest, type TestRunOutcome } from '../harness/run/execute.js';
import { shrinkStoredRun } from '../harness/run/shrink-run.js';
import { bugRunSettings } from './bug-runs.js';
import { optionValue } from './system-runs.js';

const GOAL_WALL_MS = 60_000;

async function firstCaught(bugName: string, system: string, seeds: number, out: string): Promise<TestRunOutcome | undefined> {
  const bug = BUG_MODES.find((mode) => mode.name === bugName)!;
  for (let seed = 1; seed <= seeds; seed++) {
    const outcome = await runTest(resolveConfig('bench', seed, { ...bugRunSettings(bug), system, out }), new Date(), () => {});
    if (outcome.results.valid === false) return outcome;
    rmSync(outcome.directory, { recursive: true, force: true });
  }
  return undefined;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const seeds = Number(optionValue(argv, '--seeds') ?? 20);
  const progress = argv.includes('--progress') ? (line: string): void => console.error(line) : (): void => {};
  const only = argv.find((argument, index) => !argument.startsWith('--') && argv[index - 1] !== '--seeds');
  const out = mkdtempSync(join(tmpdir(), 'faultline-bench-shrink-'));
  let met = 0;
  let measured = 0;
  try {
    for (const bug of BUG_MODES.filter((mode) => only === undefined || mode.name === only)) {
      for (const system of ['coordinator-raft', 'coordinator-zab']) {
        const caught = await firstCaught(bug.name, system, seeds, out);
        const label = `${bug.name.padEnd(22)} ${system.padEnd(17)}`;
        if (caught === undefined) {
          console.log(`${label} not caught in ${seeds} seeds`);
          continue;
        }
        const outcome = await shrinkStoredRun(caught.directory, { maxRuns: 200, timeBudgetMs: 600_000, tries: 1, stopped: () => false, progress });
        measured += 1;
        const shrunk = outcome.shrunk;
        if (shrunk === undefined) {
          console.log(`${label} seed ${caught.config.seed}: ${outcome.notReproduced === true ? 'its faults as a schedule did not fail again' : 'no smaller failing run'} (${outcome.runs} runs)`);
          continue;
        }
        const goal = shrunk.operations * 10 <= outcome.original.operations && shrunk.faults <= 2 && outcome.wallMs < GOAL_WALL_MS;
        if (goal) met += 1;
        console.log(
          `${label} seed ${String(caught.config.seed).padStart(2)}: ${outcome.original.operations} ops, ${outcome.original.faults} faults, ${outcome.original.timeLimitSeconds} s` +
            ` -> ${shrunk.operations} ops, ${shrunk.faults} faults, ${shrunk.timeLimitSeconds} s   ${outcome.runs} runs, ${(outcome.wallMs / 1000).toFixed(1)} s${outcome.stoppedBecause === undefined ? '' : ` (stopped: ${outcome.stoppedBecause})`}${goal ? '' : '   GOAL NOT MET'}`,
        );
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  console.log(`goal met (<= 1/10 ops, <= 2 faults, < 60 s): ${met} of ${measured} shrunk runs`);
}

await main();
