/**
 * Shrinking a failing run: search for a smaller run that still fails one of
 * the same checkers with the same shape of anomaly, trying the candidates of
 * shrink-steps.ts one full run at a time, keeping each that still fails,
 * until a whole pass changes nothing or a bound is reached (runs, time, Ctrl-C). The first run replays the
 * original's faults as a schedule, so every later candidate is a subset of
 * faults that really ran. On the simulator a candidate is deterministic; on
 * a real runtime the caller's attempt tries it several times and calls it
 * failing when any try fails. The simulator's analogue of trying again is
 * another seed (shrink-trials.ts): fault drops are tried at a few seeds
 * where the kept run fails too in every pass, and once a pass at the kept
 * seed keeps nothing, later passes try every candidate there, because a bug
 * that needs a race (which node wins an election) fails at some seeds only,
 * and a lighter load is worth the same race lost at one seed.
 */
import type { RunConfig } from '../../common/run-config.js';
import { nemesisOfSchedule } from '../../nemesis/index.js';
import { cutAfter, dropFaults, LOAD_STEPS, type Candidate } from './shrink-steps.js';
import { Stop, Trials } from './shrink-trials.js';

/** How long after the first violation a run is cut at first, and as a last step (by then the operation that showed it has returned). */
const LOOSE_CUT_MS = 1000;
const TIGHT_CUT_MS = 100;

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
  /** Other seeds to try a candidate at when it passes at the kept seed (shrink-trials.ts); 0 where a candidate is tried again anyway (a real runtime). */
  otherSeeds: number;
  /** The same config always runs the same way (the simulator): a config that passed is not run again. */
  deterministic: boolean;
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

export async function shrinkRun(original: RunConfig, violated: readonly string[], attempt: (config: RunConfig) => Promise<Trial>, discard: (trial: Trial) => void, bounds: ShrinkBounds): Promise<ShrinkResult> {
  const trials = new Trials(violated, attempt, discard, bounds);
  const result = trials.result;
  try {
    const schedule = original.schedule ?? original.faultSchedule ?? [];
    // The applied faults replace the generated schedule, swarm phases included.
    const replay = { config: { ...original, schedule, nemesis: nemesisOfSchedule(schedule), faultSchedule: undefined, swarmPhases: undefined }, change: '' };
    if (!(await trials.try(replay, false))) {
      result.notReproduced = true;
      return result;
    }
    await shrinkPasses(trials, { keepAFault: false });
    await searchOnWithFaults(trials);
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    result.stoppedBecause = error.message;
  }
  return result;
}

/**
 * A failure that shows without any fault at the full load may still need a
 * fault at a light one: the fault-free run cannot lose any load, while the
 * run kept just before, with faults, might lose most of it. When the search
 * ended without faults, it goes on once more from the last kept run with
 * faults, keeping at least one, and the run with fewer operations is kept.
 */
async function searchOnWithFaults(trials: Trials): Promise<void> {
  const withFaults = trials.lastWithFaults;
  if (withFaults === undefined || (trials.kept().config.schedule?.length ?? 0) > 0) return;
  await trials.branch(withFaults.config, withFaults.steps, () => shrinkPasses(trials, { keepAFault: true }));
}

/** How a search goes: a branch from a run with faults keeps one, and sheds load before faults (at the full load any fault would do). */
interface SearchOrder {
  keepAFault: boolean;
}

/** Passes at the kept seed until one keeps nothing, then passes that also try other seeds, until one of those keeps nothing. */
async function shrinkPasses(trials: Trials, order: SearchOrder): Promise<void> {
  let reseeding = false;
  for (let pass = 0; pass < 100; pass++) {
    if (await shrinkPass(trials, reseeding, order)) continue;
    if (reseeding || !trials.reseeds) return;
    reseeding = true;
  }
}

/**
 * One pass of cutting after the first violation, fault dropping and load
 * shrinking; true when it kept a change. Faults are dropped at other seeds
 * in every pass, not only once the load is light: a fault the failure does
 * not need is likelier shown so while the load is still heavy. The run is
 * cut to just after its violation only when no lighter load fails, since a
 * run that fails at its very end has no room left to slow down.
 */
async function shrinkPass(trials: Trials, reseeding: boolean, order: SearchOrder): Promise<boolean> {
  const { keepAFault } = order;
  const cut = (marginMs: number): Candidate[] => [cutAfter(trials.kept().config, trials.kept().trial.violationMs, marginMs)].filter((candidate) => candidate !== undefined);
  let changed = await firstFailing(trials, cut(LOOSE_CUT_MS), reseeding);
  if (keepAFault) changed = (await lighterLoad(trials, LOAD_STEPS, reseeding)) || changed;
  changed = (await dropFaultsPass(trials, reseeding, keepAFault)) || changed;
  if (!reseeding && trials.reseeds) changed = (await dropFaultsPass(trials, true, keepAFault)) || changed;
  return (await lighterLoad(trials, [...LOAD_STEPS, () => cut(TIGHT_CUT_MS)], reseeding)) || changed;
}

/**
 * The load steps in sweeps: each step is kept for as long as one of its
 * candidates fails, then the next step; sweeps go on while one kept a change.
 * Starting over from the first step after every change instead tried each
 * step that had just passed again at every later change, which is most of
 * the runs a search spends (a warm-up that must stay, say, tried after each
 * of a dozen cuts in rate and workers).
 */
async function lighterLoad(trials: Trials, steps: readonly ((config: RunConfig) => Candidate[])[], reseeding: boolean): Promise<boolean> {
  let changed = false;
  for (let sweep = 0; sweep < 100; sweep++) {
    let swept = false;
    for (const step of steps) {
      const kept = await firstFailingRepeatedly(trials, step, reseeding);
      // A change to the faults or the load often lets the run end sooner: the first step (the time limit) goes again at once.
      if (kept && step !== steps[0]) await firstFailingRepeatedly(trials, steps[0]!, reseeding);
      swept ||= kept;
    }
    if (!swept) return changed;
    changed = true;
  }
  return changed;
}

/** The step's first failing candidate, again from each kept config, until none fails; true when any was kept. */
async function firstFailingRepeatedly(trials: Trials, step: (config: RunConfig) => Candidate[], reseed: boolean): Promise<boolean> {
  let kept = false;
  while (await firstFailing(trials, step(trials.kept().config), reseed)) kept = true;
  return kept;
}

async function firstFailing(trials: Trials, candidates: readonly Candidate[], reseed: boolean): Promise<boolean> {
  for (const candidate of candidates) if (await trials.try(candidate, reseed)) return true;
  return false;
}

/**
 * Delta debugging over the kept schedule (shrink-steps.ts dropFaults); true
 * when it dropped any fault. A candidate that keeps at most half the faults
 * is tried at other seeds too even in a pass at the kept seed (once each is
 * tried at the kept seed), before any larger one: which faults a failure needs can depend on the seed (which node
 * leads when they start), and taking a larger subset that fails at the kept
 * seed first can leave the search in a 1-minimal set bigger than one a
 * smaller subset at another seed leads to (ephemeral-outlives-session on
 * ZAB: three faults at seed 1, where two of the original six fail at seed 2).
 */
async function dropFaultsPass(trials: Trials, reseed: boolean, keepAFault: boolean): Promise<boolean> {
  let changed = false;
  let granularity = 2;
  for (;;) {
    const faults = trials.kept().config.schedule?.length ?? 0;
    if (faults === 0) return changed;
    const candidates = dropFaults(trials.kept().config, granularity).filter((candidate) => !keepAFault || (candidate.config.schedule?.length ?? 0) > 0);
    const halving = (candidate: Candidate): boolean => (candidate.config.schedule?.length ?? 0) * 2 <= faults;
    const [smaller, larger] = [candidates.filter(halving), candidates.filter((candidate) => !halving(candidate))];
    // The kept seed first, for each: a subset that fails there needs no other seed.
    // Tried at other seeds only when this pass does not already (a real runtime has none: each try runs again).
    const smallerElsewhere = async (): Promise<boolean> => !reseed && trials.reseeds && (await firstFailing(trials, smaller, true));
    if ((await firstFailing(trials, smaller, reseed)) || (await smallerElsewhere()) || (await firstFailing(trials, larger, reseed))) {
      changed = true;
      granularity = Math.max(2, granularity - 1);
    } else if (granularity >= faults) return changed;
    else granularity = Math.min(faults, granularity * 2);
  }
}
