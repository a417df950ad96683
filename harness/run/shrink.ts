/**
 * Shrinking a failing run: search for a smaller run that still fails one of
 * the same checkers with the same shape of anomaly, trying the candidates of
 * shrink-steps.ts one full run at a time, keeping each that still fails, until a whole pass changes nothing or
 * a bound is reached (runs, time, Ctrl-C). The first run replays the
 * original's faults as a schedule, so every later candidate is a subset of
 * faults that really ran. On the simulator a candidate is deterministic; on
 * a real runtime the caller's attempt tries it several times and calls it
 * failing when any try fails. The simulator's analogue of trying again is
 * another seed: once a pass at the kept seed keeps nothing, later passes try
 * each candidate that did not fail at a few other seeds too, because a bug
 * that needs a race (which node wins an election) fails at about every other
 * seed, and a lighter load is worth the same race lost at one seed.
 */
import type { RunConfig } from '../../common/run-config.js';
import { nemesisOfSchedule } from '../../nemesis/index.js';
import { cutAfter, dropFaults, smallerLoad, type Candidate } from './shrink-steps.js';

/** What one candidate run showed. */
export interface Trial {
  /** The kinds of violation that count, "checker: shape" (see detection.ts comparedKinds). */
  violated: string[];
  /** Client operations invoked. */
  operations: number;
  /** Milliseconds into the run of the first violation. */
  violationMs: number;
  /** Where the run is stored; the caller removes those not kept. */
  directory: string;
}

export interface ShrinkBounds {
  maxRuns: number;
  timeBudgetMs: number;
  /** Monotonic milliseconds. */
  nowMs(): number;
  /** True once the user asked to stop (Ctrl-C): the smallest failing run so far is kept. */
  stopped(): boolean;
  progress(line: string): void;
  /** Other seeds to try a candidate at once the kept seed is exhausted; 0 where a candidate is tried again anyway (a real runtime). */
  otherSeeds: number;
}

export interface Kept {
  config: RunConfig;
  trial: Trial;
}

export interface ShrinkResult {
  /** The smallest failing run found; the original's replay when nothing smaller failed. */
  smallest: Kept | undefined;
  runs: number;
  /** The changes kept, in order. */
  steps: string[];
  /** Why the search ended before it had nothing left to try. */
  stoppedBecause?: string;
  /** The original's faults, run again as a schedule, did not show the same kind of violation (checker and anomaly shape). */
  notReproduced?: boolean;
}

class Stop extends Error {}

export async function shrinkRun(original: RunConfig, violated: readonly string[], attempt: (config: RunConfig) => Promise<Trial>, discard: (trial: Trial) => void, bounds: ShrinkBounds): Promise<ShrinkResult> {
  const startedMs = bounds.nowMs();
  const result: ShrinkResult = { smallest: undefined, runs: 0, steps: [] };
  const fails = (trial: Trial): boolean => trial.violated.some((name) => violated.includes(name));
  const tryCandidate = async (candidate: Candidate, otherSeeds: number): Promise<boolean> => {
    for (let seed = candidate.config.seed; seed <= candidate.config.seed + otherSeeds; seed++) {
      if (bounds.stopped()) throw new Stop('stopped by the user');
      if (result.runs >= bounds.maxRuns) throw new Stop(`${bounds.maxRuns} runs tried (--max-runs)`);
      if (bounds.nowMs() - startedMs > bounds.timeBudgetMs) throw new Stop(`the time budget of ${(bounds.timeBudgetMs / 1000).toFixed(0)} s was spent (--time-budget)`);
      result.runs += 1;
      const config = seed === candidate.config.seed ? candidate.config : { ...candidate.config, seed };
      const trial = await attempt(config);
      if (!fails(trial)) {
        bounds.progress(`run ${result.runs}: passes (${trial.operations} ops, ${config.schedule?.length ?? 0} faults, ${config.timeLimitSeconds} s${trial.violated.length === 0 ? '' : `, shows only ${trial.violated.join('; ')}`})${candidate.change === '' ? '' : `: ${candidate.change}`}${seed === candidate.config.seed ? '' : ` (seed ${seed})`}`);
        discard(trial);
        continue;
      }
      if (result.smallest !== undefined) discard(result.smallest.trial);
      result.smallest = { config, trial };
      const change = candidate.change === '' || seed === candidate.config.seed ? candidate.change : `${candidate.change} (seed ${seed})`;
      if (change !== '') result.steps.push(change);
      bounds.progress(`run ${result.runs}: still fails (${trial.operations} ops, ${config.schedule?.length ?? 0} faults, ${config.timeLimitSeconds} s)${change === '' ? '' : `: ${change}`}`);
      return true;
    }
    return false;
  };
  try {
    const schedule = original.schedule ?? original.faultSchedule ?? [];
    // The applied faults replace the generated schedule, swarm phases included.
    const replay = { config: { ...original, schedule, nemesis: nemesisOfSchedule(schedule), faultSchedule: undefined, swarmPhases: undefined }, change: '' };
    if (!(await tryCandidate(replay, 0))) {
      result.notReproduced = true;
      return result;
    }
    await shrinkPasses(() => result.smallest!, tryCandidate, bounds.otherSeeds);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    result.stoppedBecause = error.message;
  }
  return result;
}

type TryCandidate = (candidate: Candidate, otherSeeds: number) => Promise<boolean>;

/** Passes at the kept seed until one keeps nothing, then passes that also try other seeds, until one of those keeps nothing. */
async function shrinkPasses(kept: () => Kept, tryCandidate: TryCandidate, otherSeeds: number): Promise<void> {
  let reseeding = false;
  for (let pass = 0; pass < 100; pass++) {
    if (await shrinkPass(kept, (candidate) => tryCandidate(candidate, reseeding ? otherSeeds : 0))) continue;
    if (reseeding || otherSeeds === 0) return;
    reseeding = true;
  }
}

/** One pass of cutting after the first violation, fault dropping and load shrinking; true when it kept a change. */
async function shrinkPass(kept: () => Kept, tryCandidate: (candidate: Candidate) => Promise<boolean>): Promise<boolean> {
  const current = (): RunConfig => kept().config;
  const cut = cutAfter(current(), kept().trial.violationMs);
  let changed = cut !== undefined && (await tryCandidate(cut));
  let granularity = 2;
  for (;;) {
    const faults = current().schedule?.length ?? 0;
    if (faults === 0) break;
    let dropped = false;
    for (const candidate of dropFaults(current(), granularity)) {
      if (await tryCandidate(candidate)) {
        dropped = true;
        break;
      }
    }
    if (dropped) {
      changed = true;
      granularity = Math.max(2, granularity - 1);
    } else if (granularity >= faults) break;
    else granularity = Math.min(faults, granularity * 2);
  }
  for (let again = true; again; ) {
    again = false;
    for (const candidate of smallerLoad(current())) {
      if (await tryCandidate(candidate)) {
        changed = again = true;
        break;
      }
    }
  }
  return changed;
}
