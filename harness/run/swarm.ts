/**
 * Swarm testing: instead of one fixed mix of every fault at one load, each
 * seed draws its own (Groce et al., "Swarm testing", ISSTA 2012), and swarms
 * over time too: the faults phase is cut into a few phases, each drawing its
 * own subset of the fault kinds the run allows, how many at once, which
 * partition shapes and node targets, and clock changes. One run then covers
 * several corners, where one draw per run left a seed that drew no partition
 * (or only kills, or tiny faults) blind to every bug that needs one. The run
 * draws how long faults and quiet gaps last (around the runtime's own timing)
 * and the load (rate, workers, keys).
 *
 * The draw leans toward what breaks consensus, still drawing every kind and
 * shape: partitions and kills are kept more often than pauses and clock
 * changes, and the leader more often than other targets; faults last at least
 * three quarters of the runtime's shortest (which it sets to outlast an
 * election); and the load keeps two to four times the workers asked, so every
 * node has clients with operations in flight when a fault cuts it off.
 * Each phase that allows them also gets one ordered fault (nemesis/compound.ts)
 * that independent draws almost never line up: most a stale follower's
 * election, the rest a long leader cut; with clock faults allowed, the stale
 * side's clocks run fast while the leader is lost, so it stands first.
 *
 * The draw comes from its own stream of the run's seed, and every value drawn
 * is written into the config, so a seed replays exactly.
 */
import { SeededRandom, type Random } from '../../common/random.js';
import type { FaultTiming, RunConfig, SwarmPhase } from '../../common/run-config.js';
import { UsageError } from '../../common/errors.js';
import { CLOCK_CHANGES, COMPOUND_LEADER_FAULTS, DEFAULT_PARTITION_TARGETS, FAULT_KINDS, NODE_TARGETS, createNemeses, parseNemesisSpec, type CompoundLeaderFault, type FaultKind, type NemesisOptions, type PartitionTargetName } from '../../nemesis/index.js';
import { LIMITS } from './config.js';
import { nodeNames } from './streams.js';
import { drawSessionTimeout } from './swarm-sessions.js';

export const SWARM_STREAM = 'harness:swarm';

/** Phases per run: enough that a kind missing from one phase shows in another, few enough that each phase sees several faults. */
const PHASES = { min: 3, max: 5 } as const;

/** Odds each choice is kept in a phase's subset: what breaks consensus (partitions, kills, the leader) more often. */
const KEEP_ODDS: Readonly<Record<string, number>> = {
  partition: 0.9,
  kill: 0.5,
  pause: 0.3,
  clock: 0.3,
  'isolate-leader': 0.8,
  'leader-minority': 0.9,
  'majorities-ring': 0.35,
  bridge: 0.35,
  'one-way': 0.35,
  leader: 0.75,
  majority: 0.25,
};
const DEFAULT_KEEP_ODDS = 0.5;

/**
 * Odds a phase ends with a compound fault (nemesis/compound.ts: a follower
 * cut off, then the leader lost while it is out, the follower healed first)
 * in its second half, when the run allows a partition and a kill or pause:
 * the order of faults a stale node's election needs, which independent draws
 * almost never line up. Measured with bench:detect --swarm: fewer leave
 * stale-election bugs to few seeds; a compound in every phase, or two, cuts
 * the single-fault mixes short enough to slow other bugs.
 */
const COMPOUND_ODDS = 0.7;

/** Odds the compound's leader is killed rather than paused, when both are allowed: a crash also loses what the leader had not synced. */
const COMPOUND_KILL_ODDS = 0.75;

/**
 * A paused leader's compound relapses with a kill when the run allows one (nemesis/compound.ts): the relapse stands for a
 * crash while the node catches up, and a second pause loses nothing it synced; the first loss stays a pause, which
 * stale-lease bugs need (a leader that wakes up still trusting its lease). Measured with bench:detect --swarm
 * sync-ack-before-durable on ZAB, seeds 301-400, with the relapse a quarter after the return: 89 -> 95 of 100 caught;
 * before it, no paused compound caught that bug (0 of 30).
 */
function relapseOf(compound: CompoundLeaderFault, allowed: readonly FaultKind[]): Pick<SwarmPhase, 'compoundRelapse'> {
  return compound === 'pause' && allowed.includes('kill') ? { compoundRelapse: 'kill' } : {};
}

/**
 * Odds a phase that drew no compound opens with a leader cut instead
 * (nemesis/compound.ts: the leader cut from the quorum for a long fault with
 * nothing else on, then the leader elected meanwhile lost and the old one
 * healed): what stale leases, lock waiters whose session expires behind a
 * cut, and sessions ended while a replica is away need, and which a mix lines
 * up only when no kill or second cut on the majority side overlaps its leader
 * cut and the cut is not ended early. Measured with bench:detect --swarm,
 * against no leader cut: seeds 1-20 419 -> 437 of 440 caught, held-out seeds
 * 101-140 811 -> 860 of 880 (stale-lease-read raft 17 -> 20 and 34 -> 39,
 * lock-skips-lease-check raft 17 -> 20 and 34 -> 40, follower-applies-uncommitted
 * zab 14 -> 20 and 28 -> 39; sync-ack-before-durable zab 33 -> 32 of 40 the one
 * row down). vote-ignores-log raft stayed near four in five (17/20, 31 -> 34/40)
 * until the stale side's clocks ran fast (STALE_CLOCK_RATE).
 */
// Every phase that allows a compound has one; the phase's plain mix still runs before and after it (nemesis/compound.ts). Kept as odds so a plain phase can be drawn again without moving the other draws.
const LEADER_CUT_ODDS = 1;

/**
 * How fast a compound runs the stale side's clocks while the leader is lost, when the run allows clock faults
 * (nemesis/compound.ts): at 3, the stale side's longest election timeout (two thirds of the base, on a Raft-like
 * [base, 2 base] draw) falls below every other node's shortest, with room for a round trip, so the stale side stands
 * first once the cut heals. Without it the stale follower stood first in about half its elections on Raft (29 of 61
 * on seeds 101-140), the old leader of a leader cut, a term behind, in none (0 of 16 on seeds 1-20). Measured with bench:detect --swarm
 * vote-ignores-log on Raft, seeds 201-300: 85 -> 94 of 100 caught at rate 2, 98 at rate 3; seeds 301-400: 80 -> 94,
 * median 14.0 -> 9.9 s (as bench:detect then timed detection, by each checker's first-listed anomaly); the other
 * rows as before within a seed or two.
 */
const STALE_CLOCK_RATE = 3;

/** Faults on at once never exceed the resources (network, process, clock) they hold. */
const MAX_ACTIVE_FAULTS = 3;

/** A non-empty subset, each item kept with its odds, in the list's order. */
function subset<T extends string>(random: Random, items: readonly T[]): T[] {
  if (items.length === 0) return [];
  const kept = items.filter((item) => random.next() < (KEEP_ODDS[item] ?? DEFAULT_KEEP_ODDS));
  return kept.length > 0 ? kept : [items[random.integer(0, items.length)] as T];
}

/** Log-uniform in [minimum, maximum]: small and large values equally likely by order of magnitude. */
function logUniform(random: Random, minimum: number, maximum: number): number {
  return Math.round(minimum * (maximum / minimum) ** random.next());
}

/** Scales a range by a factor drawn log-uniform in [low, high]. */
function scaled(random: Random, range: { min: number; max: number }, low: number, high: number, floor: number): { min: number; max: number } {
  const factor = low * (high / low) ** random.next();
  const min = Math.max(floor, Math.round(range.min * factor));
  return { min, max: Math.max(min, Math.round(range.max * factor)) };
}

/**
 * Around the runtime's own timing: faults from three quarters to one and a
 * half times as long (much shorter ones end before an election does), quiet
 * gaps a tenth to six tenths as long, so a phase sees several faults.
 */
function drawTiming(random: Random, base: FaultTiming): FaultTiming {
  return { faultMs: scaled(random, base.faultMs, 0.75, 1.5, 1), quietMs: scaled(random, base.quietMs, 0.1, 0.6, 0) };
}

/** Faults at once: one in half the phases (overlap spoils single-fault corners), two or more in the rest (a partition while the leader is down). */
function drawActiveFaults(random: Random, kinds: number): number {
  const most = Math.min(kinds, MAX_ACTIVE_FAULTS);
  return most <= 1 || random.next() < 0.5 ? 1 : random.integer(2, most + 1);
}

function drawPhase(random: Random, allowed: readonly FaultKind[], durationMs: number): SwarmPhase {
  const kinds = subset(random, allowed);
  const options = {
    partition: { targets: subset(random, DEFAULT_PARTITION_TARGETS) },
    kill: { targets: subset(random, NODE_TARGETS) },
    pause: { targets: subset(random, NODE_TARGETS) },
    clock: { changes: subset(random, CLOCK_CHANGES), maxBumpMs: logUniform(random, 16, 262_144), maxStrobeMs: logUniform(random, 16, 262_144), maxDriftRatio: logUniform(random, 1, 50) / 100 },
  };
  const nemesisOptions: Record<string, Record<string, unknown>> = {};
  for (const kind of kinds) nemesisOptions[kind] = options[kind];
  return { durationMs, nemesis: kinds.length === 0 ? 'none' : kinds.join(','), maxActiveFaults: drawActiveFaults(random, kinds.length), nemesisOptions };
}

/** The phase with a compound fault added, with COMPOUND_ODDS, when the run allows one; without one, a leader cut with LEADER_CUT_ODDS, drawn from a stream of its own so the rest draw as before; either runs its stale side fast when clock faults are allowed. */
function maybeCompound(random: Random, allowed: readonly FaultKind[], phase: SwarmPhase, cutRandom: Random): SwarmPhase {
  const leaderFaults = COMPOUND_LEADER_FAULTS.filter((kind) => allowed.includes(kind));
  if (!allowed.includes('partition') || leaderFaults.length === 0) return phase;
  const leaderFault = (from: Random): CompoundLeaderFault => (leaderFaults.length === 1 || from.next() < COMPOUND_KILL_ODDS ? (leaderFaults[0] as CompoundLeaderFault) : 'pause');
  const fastClocks = allowed.includes('clock') ? { staleClockRate: STALE_CLOCK_RATE } : {};
  if (random.next() < COMPOUND_ODDS) {
    const compound = leaderFault(random);
    return { ...phase, compound, ...relapseOf(compound, allowed), ...fastClocks };
  }
  if (cutRandom.next() >= LEADER_CUT_ODDS) return phase;
  return { ...phase, compound: leaderFault(cutRandom), compoundShape: 'leader-cut', ...fastClocks };
}

/**
 * The phase's partition shapes with leader-minority added, with its
 * KEEP_ODDS: the leader and followers cut off with no quorum
 * (nemesis/targets.ts). Other shapes leave the leader in a minority with
 * followers only when halves happens to put it there, and what a minority
 * leader's followers log uncommitted is what a new leader must truncate. On
 * three nodes its cut is isolate-leader's, which it makes more likely: what
 * lease and leader-loss bugs need. Measured with bench:detect --swarm --seeds
 * 60, against drawing it on five nodes or more only: every three-node row
 * measured caught as often or more (stale-lease-read raft 40 -> 43,
 * lock-skips-lease-check 49 -> 53 and 48 -> 51) but one (stale-lease-read
 * zab 59 -> 58).
 */
function maybeLeaderMinority(random: Random, phase: SwarmPhase): SwarmPhase {
  const partition = phase.nemesisOptions['partition'] as { targets: PartitionTargetName[] } | undefined;
  if (partition === undefined || random.next() >= (KEEP_ODDS['leader-minority'] ?? DEFAULT_KEEP_ODDS)) return phase;
  return { ...phase, nemesisOptions: { ...phase.nemesisOptions, partition: { ...partition, targets: [...partition.targets, 'leader-minority'] } } };
}

/** The phases, equally long, that together last the faults phase; compound ones and added shapes drawn from streams of their own, so the rest draw as before. */
function drawPhases(random: SeededRandom, allowed: readonly FaultKind[], faultsMs: number): SwarmPhase[] {
  const compoundRandom = random.fork('compound');
  const shapeRandom = random.fork('shapes');
  const cutRandom = random.fork('leader-cut');
  const count = random.integer(PHASES.min, PHASES.max + 1);
  const durationMs = Math.max(1, Math.floor(faultsMs / count));
  return Array.from({ length: count }, () => maybeCompound(compoundRandom, allowed, maybeLeaderMinority(shapeRandom, drawPhase(random, allowed, durationMs)), cutRandom));
}

/** The kinds a phase uses: its mix's, and a compound's partition and leader fault. */
export function phaseKinds(phase: SwarmPhase, where?: string): FaultKind[] {
  const kinds = parseNemesisSpec(phase.nemesis, where);
  if (phase.compound === undefined) return kinds;
  const extra: FaultKind[] = [...(phase.compoundRelapse === undefined ? [] : [phase.compoundRelapse]), ...(phase.staleClockRate === undefined ? [] : (['clock'] as const))];
  return [...new Set<FaultKind>([...kinds, 'partition', phase.compound, ...extra])];
}

/** The seed's own draw, applied to a resolved config whose nemesis names the fault kinds allowed. */
export function swarmDraw(config: RunConfig): RunConfig {
  const random = new SeededRandom(config.seed).fork(SWARM_STREAM);
  const allowed = parseNemesisSpec(config.nemesis);
  const phases = allowed.length === 0 ? [] : drawPhases(random, allowed, config.timeLimitSeconds * 1000);
  const used = FAULT_KINDS.filter((kind) => phases.some((phase) => phaseKinds(phase).includes(kind)));
  const { nemesisOptions: _replaced, ...rest } = config;
  return {
    ...rest,
    swarm: 'drawn',
    nemesis: used.length === 0 ? 'none' : used.join(','),
    // A compound holds two faults at once, three with its stale side's fast clocks.
    maxActiveFaults: Math.max(1, ...phases.map((phase) => (phase.compound === undefined ? phase.maxActiveFaults : Math.max(phase.staleClockRate === undefined ? 2 : 3, phase.maxActiveFaults)))),
    faultTiming: drawTiming(random, config.faultTiming),
    ...(phases.length === 0 ? {} : { swarmPhases: phases }),
    rate: Math.min(LIMITS.rate, logUniform(random, Math.max(1, Math.round(config.rate / 2)), config.rate * 2)),
    concurrency: Math.min(LIMITS.concurrency, random.integer(config.concurrency * 2, config.concurrency * 4 + 1)),
    keys: Math.min(LIMITS.keys, random.integer(1, config.keys + 1)),
    ...drawSessionTimeout(config),
  };
}

/** A config's phases, checked as the schedule will build them: each phase's kinds among the run's, its options valid. */
export function checkSwarmPhases(config: RunConfig, where: string): void {
  const phases = config.swarmPhases;
  if (phases === undefined) return;
  if (config.schedule !== undefined) throw new UsageError('a run with a schedule runs exactly its faults: it cannot also have swarm phases', { where, hint: 'leave out the schedule or swarmPhases' });
  const runKinds = parseNemesisSpec(config.nemesis);
  for (const [index, phase] of phases.entries()) {
    const foreign = phaseKinds(phase, `${where}[${index}].nemesis`).filter((kind) => !runKinds.includes(kind));
    if (foreign.length > 0) throw new UsageError(`phase ${index + 1} uses ${foreign.join(', ')}, which the run's nemesis "${config.nemesis}" leaves out`, { where, hint: 'name every kind the phases use in nemesis' });
    createNemeses(parseNemesisSpec(phase.nemesis), nodeNames(config.nodes), phase.nemesisOptions as NemesisOptions);
  }
}
