/**
 * Swarm testing: instead of one fixed mix of every fault at one load, each
 * seed draws its own: a subset of the fault kinds the run allows, how many at
 * once, how long faults and quiet gaps last (around the runtime's own
 * timing), which partition shapes and node targets, how large clock jumps
 * get, and the load (rate, workers, keys). Different seeds then stress
 * different corners, which finds more bugs than the everything-at-once mix
 * (Groce et al., "Swarm testing", ISSTA 2012). The draw comes from its own
 * stream of the run's seed, and every value drawn is written into the
 * config, so a seed replays exactly.
 */
import { SeededRandom, type Random } from '../../common/random.js';
import type { FaultTiming, RunConfig } from '../../common/run-config.js';
import { CLOCK_CHANGES, NODE_TARGETS, PARTITION_TARGETS, parseNemesisSpec, type FaultKind } from '../../nemesis/index.js';
import { LIMITS } from './config.js';

export const SWARM_STREAM = 'harness:swarm';

/** A non-empty subset, each item kept with even odds, in the list's order. */
function subset<T>(random: Random, items: readonly T[]): T[] {
  if (items.length === 0) return [];
  const kept = items.filter(() => random.next() < 0.5);
  return kept.length > 0 ? kept : [items[random.integer(0, items.length)] as T];
}

/** Log-uniform in [minimum, maximum]: small and large values equally likely by order of magnitude. */
function logUniform(random: Random, minimum: number, maximum: number): number {
  return Math.round(minimum * (maximum / minimum) ** random.next());
}

/** Around the runtime's own timing: a quarter to twice as long, so real runtimes keep faults long enough to show. */
function drawTiming(random: Random, base: FaultTiming): FaultTiming {
  const scaled = (range: { min: number; max: number }, floor: number): { min: number; max: number } => {
    const factor = 0.25 * 8 ** random.next();
    const min = Math.max(floor, Math.round(range.min * factor));
    return { min, max: Math.max(min, Math.round(range.max * factor)) };
  };
  return { faultMs: scaled(base.faultMs, 1), quietMs: scaled(base.quietMs, 0) };
}

/** The seed's own draw, applied to a resolved config whose nemesis names the fault kinds allowed. */
export function swarmDraw(config: RunConfig): RunConfig {
  const random = new SeededRandom(config.seed).fork(SWARM_STREAM);
  const kinds: FaultKind[] = subset(random, parseNemesisSpec(config.nemesis));
  const nemesisOptions = {
    partition: { targets: subset(random, PARTITION_TARGETS.filter((target) => target !== 'custom')) },
    kill: { targets: subset(random, NODE_TARGETS) },
    pause: { targets: subset(random, NODE_TARGETS) },
    clock: { changes: subset(random, CLOCK_CHANGES), maxBumpMs: logUniform(random, 16, 262_144), maxStrobeMs: logUniform(random, 16, 262_144), maxDriftRatio: logUniform(random, 1, 50) / 100 },
  };
  return {
    ...config,
    swarm: 'drawn',
    nemesis: kinds.length === 0 ? 'none' : kinds.join(','),
    maxActiveFaults: kinds.length === 0 ? 1 : random.integer(1, kinds.length + 1),
    faultTiming: drawTiming(random, config.faultTiming),
    nemesisOptions,
    rate: Math.min(LIMITS.rate, logUniform(random, Math.max(1, Math.round(config.rate / 4)), config.rate * 2)),
    concurrency: Math.min(LIMITS.concurrency, random.integer(2, config.concurrency * 2 + 1)),
    keys: Math.min(LIMITS.keys, random.integer(1, config.keys * 2 + 1)),
  };
}
