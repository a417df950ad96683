/**
 * A seeded random fault schedule for a simulated coordinator cluster: every
 * so often one fault strikes (partitions of random shapes, one-way cuts,
 * lossy links, crashes, pauses, clock bumps, drift and strobes), most with a
 * repair scheduled a random while later, and at the end everything heals.
 * Targets are drawn from the given stream and the cluster's state (e.g. the
 * current leader), so the same seed gives the same schedule.
 *
 * Drift stays within driftRate (by default 1 ± 0.1): leases are only
 * promised sound while clocks drift less than the configured bound.
 */
import type { SeededRandom } from '../../../common/random.js';
import type { Address } from '../../../clusters/coordinator/world.js';
import type { CoordinatorCluster } from '../../../clusters/coordinator/sim/cluster.js';
import type { Simulation } from './simulation.js';

export const RANDOM_FAULT_KINDS = [
  'partition',
  'isolate-leader',
  'bridge',
  'one-way',
  'client-cut',
  'lossy-link',
  'crash',
  'crash-leader',
  'pause',
  'clock-bump',
  'clock-drift',
  'clock-strobe',
  'heal',
] as const;

export type RandomFaultKind = (typeof RANDOM_FAULT_KINDS)[number];

export interface RandomFaultOptions {
  /** First fault at or after this time. */
  startMs: number;
  /** Everything heals at this time; no fault strikes after it. */
  endMs: number;
  /** Pause between two faults. */
  intervalMs: { min: number; max: number };
  /** How long a fault lasts before its repair, when it has one. */
  durationMs?: { min: number; max: number };
  kinds?: readonly RandomFaultKind[];
  /** Clock rates a drift picks from, uniformly. */
  driftRate?: { min: number; max: number };
}

/** Schedules the faults; returns the list that fills with what struck, for failure messages. */
export function scheduleRandomFaults(cluster: CoordinatorCluster<Simulation>, random: SeededRandom, options: RandomFaultOptions): string[] {
  const log: string[] = [];
  const simulation = cluster.simulation;
  const kinds = options.kinds ?? RANDOM_FAULT_KINDS;
  const strike = (): void => {
    if (simulation.now() >= options.endMs) return;
    const kind = random.pick(kinds);
    const description = applyFault(cluster, random, kind, options);
    if (description !== null) log.push(`${simulation.now().toFixed(1)}ms ${description}`);
    simulation.after(random.integer(options.intervalMs.min, options.intervalMs.max + 1), 'nemesis', strike);
  };
  simulation.at(options.startMs, 'nemesis', strike);
  simulation.at(options.endMs, 'heal everything', () => {
    cluster.healAll();
    log.push(`${options.endMs}ms heal everything`);
  });
  return log;
}

/** Applies one fault now and schedules its repair; returns what it did, or null when it had no target. */
function applyFault(cluster: CoordinatorCluster<Simulation>, random: SeededRandom, kind: RandomFaultKind, options: RandomFaultOptions): string | null {
  const simulation = cluster.simulation;
  const members = cluster.members;
  const running = members.filter((address) => simulation.state(address) === 'running');
  const duration = options.durationMs ?? { min: 50, max: 1500 };
  const later = (label: string, repair: () => void): void => simulation.after(random.integer(duration.min, duration.max + 1), label, repair);
  switch (kind) {
    case 'partition': {
      const shuffled = shuffle(random, members);
      const cut = random.integer(1, shuffled.length);
      simulation.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
      later('heal partition', () => simulation.heal());
      return `partition ${shuffled.slice(0, cut).join(',')} | ${shuffled.slice(cut).join(',')}`;
    }
    case 'isolate-leader': {
      const leader = cluster.leader();
      if (leader === null) return null;
      simulation.partition([[leader], members.filter((address) => address !== leader)]);
      later('heal partition', () => simulation.heal());
      return `isolate leader ${leader}`;
    }
    case 'bridge':
      return bridge(cluster, random, later);
    case 'one-way': {
      const [from, to] = shuffle(random, members) as [Address, Address];
      simulation.cutLink(from, to);
      later('heal one-way cut', () => simulation.healLink(from, to));
      return `cut ${from} -> ${to}`;
    }
    case 'client-cut': {
      const clients = simulation.addresses('client');
      if (clients.length === 0) return null;
      const client = random.pick(clients);
      simulation.partition([[client], [...members]]);
      later('heal partition', () => simulation.heal());
      return `cut client ${client} off`;
    }
    case 'lossy-link': {
      const [from, to] = shuffle(random, members) as [Address, Address];
      const options = { lossProbability: random.next() * 0.3, duplicateProbability: random.next() * 0.1 };
      simulation.setLinkOptions(from, to, options);
      return `lossy ${from} -> ${to} ${JSON.stringify(options)}`;
    }
    case 'crash':
    case 'crash-leader': {
      const victim = kind === 'crash-leader' ? cluster.leader() : running.length > 0 ? random.pick(running) : null;
      if (victim === null) return null;
      simulation.crash(victim);
      later(`restart ${victim}`, () => simulation.state(victim) === 'crashed' && void simulation.restart(victim));
      return `crash ${victim}`;
    }
    case 'pause': {
      if (running.length === 0) return null;
      const victim = random.pick(running);
      simulation.pause(victim);
      later(`resume ${victim}`, () => simulation.state(victim) === 'paused' && simulation.resume(victim));
      return `pause ${victim}`;
    }
    default:
      return clockFault(cluster, random, kind, options, later);
  }
}

/** One node keeps links to both halves of the rest, which cannot reach each other. */
function bridge(cluster: CoordinatorCluster<Simulation>, random: SeededRandom, later: (label: string, repair: () => void) => void): string | null {
  if (cluster.members.length < 3) return null;
  const [middle, ...others] = shuffle(random, cluster.members) as [Address, ...Address[]];
  const cut = random.integer(1, others.length);
  const [left, right] = [others.slice(0, cut), others.slice(cut)];
  for (const from of left) {
    for (const to of right) {
      cluster.simulation.cutLink(from, to);
      cluster.simulation.cutLink(to, from);
    }
  }
  later('heal bridge', () => cluster.simulation.heal());
  return `bridge ${middle} between ${left.join(',')} | ${right.join(',')}`;
}

function clockFault(
  cluster: CoordinatorCluster<Simulation>,
  random: SeededRandom,
  kind: RandomFaultKind,
  options: RandomFaultOptions,
  later: (label: string, repair: () => void) => void,
): string | null {
  const simulation = cluster.simulation;
  const node = random.pick(cluster.members);
  switch (kind) {
    case 'clock-bump': {
      const deltaMs = random.integer(-2000, 2001);
      simulation.bumpClock(node, deltaMs);
      return `clock ${node} ${deltaMs >= 0 ? '+' : ''}${deltaMs} ms`;
    }
    case 'clock-drift': {
      const { min, max } = options.driftRate ?? { min: 0.9, max: 1.1 };
      const rate = min + (max - min) * random.next();
      simulation.setClockRate(node, rate);
      later(`reset clock ${node}`, () => simulation.resetClock(node));
      return `clock ${node} rate ${rate.toFixed(3)}`;
    }
    case 'clock-strobe': {
      const strobe = { deltaMs: random.integer(10, 500), periodMs: random.integer(1, 50), durationMs: random.integer(100, 1000) };
      simulation.strobeClock(node, strobe);
      return `clock ${node} strobe ${JSON.stringify(strobe)}`;
    }
    case 'heal':
      cluster.healAll();
      return 'heal everything';
    default:
      return null;
  }
}

function shuffle<Item>(random: SeededRandom, items: readonly Item[]): Item[] {
  const shuffled = [...items];
  for (let index = shuffled.length - 1; index > 0; index--) {
    const other = random.integer(0, index + 1);
    [shuffled[index], shuffled[other]] = [shuffled[other] as Item, shuffled[index] as Item];
  }
  return shuffled;
}
