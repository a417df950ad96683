/**
 * npm run bench:detect — for each bug mode of the coordinator and each
 * engine, with the workload and nemesis the bug names: the share of seeds
 * (20, or --seeds N) whose run ends in a violation, and the median simulated
 * time at which the first violation showed (the invariant break, or the
 * offending operation). `npm run bench:detect -- [bug-name] [--seeds N] [--swarm]`.
 *
 * --swarm: one generic setting for every bug instead of its tuned nemesis:
 * the bug's workload and read mode, `--nemesis all --swarm` (each seed draws
 * its own faults and load), as issue 15 measures swarm testing.
 *
 * --first-seed N (default 1): the seeds run are N to N + seeds - 1, so a
 * change tuned on seeds 1-20 can be checked on seeds it was not shown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUG_MODES } from '../clusters/coordinator/bugs.js';
import { bugRunSettings } from './bug-runs.js';
import { resolveConfig } from '../harness/run/config.js';
import { runTest, type TestRunOutcome } from '../harness/run/execute.js';
import { firstViolationSeconds } from '../harness/run/detection.js';
import { optionValue } from './system-runs.js';

const DEFAULT_SEEDS = 20;
const MAX_SEEDS = 1000;
const MAX_FIRST_SEED = 1_000_000;

/** The integer after a flag, or the default when the flag is absent. */
function integerFlag(argv: readonly string[], flag: string, fallback: number, most: number): number {
  const text = optionValue(argv, flag);
  const value = text === undefined ? fallback : Number(text);
  if (!Number.isInteger(value) || value < 1 || value > most) throw new Error(`${flag} must be an integer from 1 to ${most}`);
  return value;
}

function readArguments(argv: readonly string[]): { only?: string; seeds: number; firstSeed: number } {
  const seeds = integerFlag(argv, '--seeds', DEFAULT_SEEDS, MAX_SEEDS);
  const firstSeed = integerFlag(argv, '--first-seed', 1, MAX_FIRST_SEED);
  const values = new Set(['--seeds', '--first-seed'].map((flag) => argv.indexOf(flag)).filter((at) => at !== -1).map((at) => at + 1));
  const only = argv.find((argument, index) => !argument.startsWith('--') && !values.has(index));
  return only === undefined ? { seeds, firstSeed } : { only, seeds, firstSeed };
}

function detectionSeconds(outcome: TestRunOutcome): number {
  return firstViolationSeconds(outcome.results, outcome.report);
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), 'faultline-detect-'));
  const { only, seeds, firstSeed } = readArguments(process.argv.slice(2).filter((argument) => argument !== '--swarm'));
  const swarm = process.argv.includes('--swarm');
  let caughtInAll = 0;
  let runsInAll = 0;
  for (const bug of BUG_MODES.filter((mode) => only === undefined || mode.name === only)) {
    for (const system of ['coordinator-raft', 'coordinator-zab'] as const) {
      let caught = 0;
      const times: number[] = [];
      const settings = swarm ? { ...bugRunSettings(bug), nemesis: 'all', swarm: true, maxActiveFaults: 1 } : bugRunSettings(bug);
      for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
        const config = resolveConfig('bench', seed, { ...settings, system, out });
        const outcome = await runTest(config, new Date(), () => {});
        if (outcome.results.valid === false) {
          caught++;
          times.push(detectionSeconds(outcome));
        }
        rmSync(outcome.directory, { recursive: true, force: true });
      }
      const how = `${settings.workload}/${settings.nemesis}${settings.readMode === undefined ? '' : ` reads=${settings.readMode}`}`;
      console.log(
        `${bug.name.padEnd(22)} ${system.padEnd(17)} ${how.padEnd(36)} caught ${String(caught).padStart(2)}/${seeds}` +
          `  median detection ${Number.isNaN(median(times)) ? '-' : `${median(times).toFixed(1)} s`}`,
      );
      caughtInAll += caught;
      runsInAll += seeds;
    }
  }
  console.log(`caught in all: ${caughtInAll} of ${runsInAll} runs (seeds ${firstSeed} to ${firstSeed + seeds - 1})`);
  rmSync(out, { recursive: true, force: true });
}

await main();
