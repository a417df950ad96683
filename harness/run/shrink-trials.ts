/**
 * Running shrink's candidates within its bounds (runs, time, Ctrl-C) and
 * keeping the smallest that still fails. A candidate runs at the kept seed;
 * asked to reseed, it also runs at `otherSeeds` other seeds: first those
 * where the kept config itself fails (a few probed once per kept config),
 * then the next ones. A bug that needs a race fails at some seeds only, and
 * often at the same ones for a config and a slightly smaller one (the seed
 * decides, say, which node leads first), so those seeds are where a smaller
 * candidate is likeliest to fail too. On a deterministic runtime (the
 * simulator) a config that passed is not run again.
 */
import type { RunConfig } from '../../common/run-config.js';
import type { Candidate } from './shrink-steps.js';
import type { Kept, ShrinkBounds, ShrinkResult, Trial } from './shrink.js';

/** Seeds the kept config is probed at, at most, per other seed wanted. */
const PROBES_PER_SEED = 3;

export class Stop extends Error {}

export class Trials {
  readonly result: ShrinkResult = { smallest: undefined, runs: 0, steps: [] };
  private readonly startedMs: number;
  /** Configs (as JSON) that ran and did not fail, on a deterministic runtime. */
  private readonly passed = new Set<string>();
  /** Seeds other than the kept one where the kept config (or the one kept before) fails too. */
  private favourable: number[] = [];
  private probedFor: RunConfig | undefined;
  /** The last kept run that had faults, and the steps to it, once a run without faults was kept after it. */
  lastWithFaults: { config: RunConfig; steps: string[] } | undefined;

  constructor(
    private readonly violated: readonly string[],
    private readonly attempt: (config: RunConfig) => Promise<Trial>,
    private readonly discard: (trial: Trial) => void,
    private readonly bounds: ShrinkBounds,
  ) {
    this.startedMs = bounds.nowMs();
  }

  kept(): Kept {
    return this.result.smallest!;
  }

  /** Whether reseeding can try anything more than the kept seed. */
  get reseeds(): boolean {
    return this.bounds.otherSeeds > 0;
  }

  /** Tries the candidate at the kept seed and, when reseeding, at the seeds that favour the failure; true when it failed the same way and is now the kept run. */
  async try(candidate: Candidate, reseed: boolean): Promise<boolean> {
    if (await this.tryAt(candidate, candidate.config)) return true;
    if (!reseed || !this.reseeds) return false;
    await this.probe();
    const next = Array.from({ length: this.bounds.otherSeeds + 1 }, (_, index) => candidate.config.seed + 1 + index);
    for (const seed of [...new Set([...this.favourable, ...next])].filter((other) => other !== candidate.config.seed).slice(0, this.bounds.otherSeeds)) {
      if (await this.tryAt(candidate, { ...candidate.config, seed })) return true;
    }
    return false;
  }

  private async tryAt(candidate: Candidate, config: RunConfig): Promise<boolean> {
    const reseeded = config.seed !== candidate.config.seed;
    const trial = await this.failing(config, `${candidate.change === '' ? '' : `: ${candidate.change}`}${reseeded ? ` (seed ${config.seed})` : ''}`);
    if (trial === undefined) return false;
    const previous = this.result.smallest;
    if (previous !== undefined && (previous.config.schedule?.length ?? 0) > 0 && (config.schedule?.length ?? 0) === 0) {
      this.lastWithFaults = { config: previous.config, steps: [...this.result.steps] };
    }
    if (previous !== undefined) {
      this.discard(previous.trial);
      if (previous.config.seed !== config.seed) this.favourable = [previous.config.seed, ...this.favourable.filter((seed) => seed !== config.seed)];
    }
    this.result.smallest = { config, trial };
    const change = candidate.change === '' || !reseeded ? candidate.change : `${candidate.change} (seed ${config.seed})`;
    if (change !== '') this.result.steps.push(change);
    this.bounds.progress(`run ${this.result.runs}: still fails (${size(trial, config)})${change === '' ? '' : `: ${change}`}`);
    return true;
  }

  /**
   * Runs the search again from `config` (which must fail again) with
   * `search`, and keeps whichever of the two searches ended with fewer
   * operations; the other's run is discarded.
   */
  async branch(config: RunConfig, steps: readonly string[], search: () => Promise<void>): Promise<void> {
    const before = { kept: this.kept(), steps: this.result.steps };
    const trial = await this.failing(config, ' (the last kept run with faults, to search on from it)');
    if (trial === undefined) return;
    this.result.smallest = { config, trial };
    this.result.steps = [...steps];
    try {
      await search();
    } finally {
      const after = this.kept();
      if (after.trial.operations < before.kept.trial.operations) {
        this.discard(before.kept.trial);
        this.bounds.progress(`run ${this.result.runs}: searching on from the last kept run with faults gave the smaller run (${size(after.trial, after.config)})`);
      } else {
        if (after !== before.kept) this.discard(after.trial);
        this.result.smallest = before.kept;
        this.result.steps = before.steps;
      }
    }
  }

  /** Seeds where the kept config fails too: those that favoured earlier kept configs first, then the next seeds, a few probes at most. */
  private async probe(): Promise<void> {
    const kept = this.kept();
    if (this.probedFor === kept.config) return;
    this.probedFor = kept.config;
    const upward = Array.from({ length: PROBES_PER_SEED * this.bounds.otherSeeds }, (_, index) => kept.config.seed + 1 + index);
    const order = [...new Set([...this.favourable, ...upward])].filter((seed) => seed !== kept.config.seed).slice(0, PROBES_PER_SEED * this.bounds.otherSeeds);
    const found: number[] = [];
    for (const seed of order) {
      if (found.length >= this.bounds.otherSeeds) break;
      const trial = await this.failing({ ...kept.config, seed }, ` (the kept run at seed ${seed}, to find seeds that favour the failure)`);
      if (trial === undefined) continue;
      this.bounds.progress(`run ${this.result.runs}: the kept run fails at seed ${seed} too (${size(trial, { ...kept.config, seed })})`);
      this.discard(trial);
      found.push(seed);
    }
    this.favourable = found;
  }

  /** One run of the config within the bounds: its trial when it fails the same way; undefined (said and discarded) when it passes. */
  private async failing(config: RunConfig, saying: string): Promise<Trial | undefined> {
    const key = JSON.stringify(config);
    if (this.bounds.deterministic && this.passed.has(key)) return undefined;
    if (this.bounds.stopped()) throw new Stop('stopped by the user');
    if (this.result.runs >= this.bounds.maxRuns) throw new Stop(`${this.bounds.maxRuns} runs tried (--max-runs)`);
    if (this.bounds.nowMs() - this.startedMs > this.bounds.timeBudgetMs) throw new Stop(`the time budget of ${(this.bounds.timeBudgetMs / 1000).toFixed(0)} s was spent (--time-budget)`);
    this.result.runs += 1;
    const trial = await this.attempt(config);
    if (trial.violated.some((name) => this.violated.includes(name))) return trial;
    if (this.bounds.deterministic) this.passed.add(key);
    const shows = trial.violated.length === 0 ? '' : `, shows only ${trial.violated.join('; ')}`;
    this.bounds.progress(`run ${this.result.runs}: passes (${size(trial, config)}${shows})${saying}`);
    this.discard(trial);
    return undefined;
  }
}

function size(trial: Trial, config: RunConfig): string {
  return `${trial.operations} ops, ${config.schedule?.length ?? 0} faults, ${config.timeLimitSeconds} s`;
}
