/**
 * Target functions: which nodes a fault hits, and how. Each is a pure
 * function of the random stream and the cluster view, so one seed picks the
 * same targets on every runtime, and each shape is tested for the property it
 * promises (disjoint groups, the majorities ring, the bridge).
 *
 * Results list nodes in the view's order, so a history reads "n1, n2" rather
 * than the order the shuffle happened to produce.
 */
import assert from 'node:assert/strict';
import type { Random } from '../common/random.js';
import type { ClockSkew } from '../harness/runtimes/index.js';
import type { ClusterView } from './index.js';

// Random helpers over the minimal Random interface.

export function pickOne<T>(random: Random, items: readonly T[]): T {
  assert.ok(items.length > 0, 'pick from an empty list');
  return items[random.integer(0, items.length)] as T;
}

/** Fisher-Yates on a copy. */
export function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let last = copy.length - 1; last > 0; last--) {
    const other = random.integer(0, last + 1);
    [copy[last], copy[other]] = [copy[other] as T, copy[last] as T];
  }
  return copy;
}

export function majoritySize(count: number): number {
  return Math.floor(count / 2) + 1;
}

function inViewOrder(view: ClusterView, nodes: Iterable<string>): string[] {
  const wanted = new Set(nodes);
  return view.nodes.filter((node) => wanted.has(node));
}

// Partitions.

export type PartitionTargetName = 'isolate-one' | 'isolate-leader' | 'isolate-follower' | 'halves' | 'leader-minority' | 'majorities-ring' | 'bridge' | 'one-way' | 'custom';

export const PARTITION_TARGETS: readonly PartitionTargetName[] = [
  'isolate-one',
  'isolate-leader',
  'halves',
  'majorities-ring',
  'bridge',
  'one-way',
  'custom',
  'leader-minority',
];

/**
 * The shapes a partition nemesis draws when its options name none: every
 * shape but custom (which needs groups) and leader-minority, which came
 * later: adding it here would change what every seed of every default run
 * draws. Name it in partition.targets, or run --swarm, to draw it.
 */
export const DEFAULT_PARTITION_TARGETS: readonly PartitionTargetName[] = PARTITION_TARGETS.filter((target) => target !== 'custom' && target !== 'leader-minority');

/** What a schedule given as data may name besides: shapes the generated schedule does not draw. */
export const SCHEDULED_PARTITION_TARGETS: readonly PartitionTargetName[] = [...PARTITION_TARGETS, 'isolate-follower'];

/** Jepsen's "grudge": each node listed stops receiving messages from the nodes listed with it. */
export type Grudge = Record<string, string[]>;

/** Disjoint groups that talk only within themselves, or a grudge for shapes groups cannot express. */
export type PartitionPlan = { target: PartitionTargetName; groups: string[][] } | { target: PartitionTargetName; grudge: Grudge };

/** Fewest nodes for which the shape means something (a ring of two sees one majority). */
export function minimumNodes(target: PartitionTargetName): number {
  return target === 'majorities-ring' || target === 'bridge' ? 3 : target === 'custom' ? 1 : 2;
}

function groupsPlan(target: PartitionTargetName, view: ClusterView, groups: string[][]): PartitionPlan {
  return { target, groups: groups.map((group) => inViewOrder(view, group)) };
}

/** One node alone, the rest together. */
export function isolateOne(random: Random, view: ClusterView): PartitionPlan {
  assert.ok(view.nodes.length >= 2, 'isolating a node needs two nodes');
  const lonely = pickOne(random, view.nodes);
  return groupsPlan('isolate-one', view, [[lonely], view.nodes.filter((node) => node !== lonely)]);
}

/** The leader alone; with no known leader, a random node (recorded as isolate-one). */
export function isolateLeader(random: Random, view: ClusterView): PartitionPlan {
  const leader = view.leader;
  if (leader === null || !view.nodes.includes(leader)) return isolateOne(random, view);
  return groupsPlan('isolate-leader', view, [[leader], view.nodes.filter((node) => node !== leader)]);
}

/**
 * A node that is not the leader alone: what a stale read from a cut-off
 * replica needs. Only a schedule given as data names it (the generated
 * schedule's shapes keep their draws); with no known leader, a random node.
 */
export function isolateFollower(random: Random, view: ClusterView): PartitionPlan {
  const followers = view.nodes.filter((node) => node !== view.leader);
  const lonely = pickOne(random, followers.length > 0 ? followers : view.nodes);
  return groupsPlan('isolate-follower', view, [[lonely], view.nodes.filter((node) => node !== lonely)]);
}

/** A random minority half and the majority half (the smaller first, as Jepsen's bisect). */
export function randomHalves(random: Random, view: ClusterView): PartitionPlan {
  assert.ok(view.nodes.length >= 2, 'halves need two nodes');
  const order = shuffled(random, view.nodes);
  const cut = Math.floor(order.length / 2);
  return groupsPlan('halves', view, [order.slice(0, cut), order.slice(cut)]);
}

/**
 * The leader and random followers on the minority half, cut from the
 * majority half: the leader keeps followers to replicate to, but not a
 * quorum, so what it and they log never commits, and the majority elects a
 * leader that drops it. On three nodes the leader is alone (isolate-leader's
 * cut); with no known leader, random halves (recorded as halves).
 */
export function leaderMinority(random: Random, view: ClusterView): PartitionPlan {
  const leader = view.leader;
  if (leader === null || !view.nodes.includes(leader)) return randomHalves(random, view);
  const followers = shuffled(random, view.nodes.filter((node) => node !== leader));
  const minority = [leader, ...followers.slice(0, Math.floor(view.nodes.length / 2) - 1)];
  return groupsPlan('leader-minority', view, [minority, view.nodes.filter((node) => !minority.includes(node))]);
}

function grudgeFromViews(view: ClusterView, sees: ReadonlyMap<string, ReadonlySet<string>>): Grudge {
  const grudge: Grudge = {};
  for (const node of view.nodes) {
    const visible = sees.get(node);
    const unseen = view.nodes.filter((other) => visible !== undefined && !visible.has(other));
    if (unseen.length > 0) grudge[node] = unseen;
  }
  return grudge;
}

/**
 * Every node sees a majority, and no two see the same one (Jepsen's
 * majorities-ring): on a shuffled ring, each node sees the window of a
 * majority of nodes around it. Windows start at different places on the ring
 * and are shorter than it, so no two are equal.
 */
export function majoritiesRing(random: Random, view: ClusterView): PartitionPlan {
  const count = view.nodes.length;
  assert.ok(count >= 3, 'a majorities ring needs three nodes');
  const ring = shuffled(random, view.nodes);
  const size = majoritySize(count);
  const sees = new Map<string, Set<string>>();
  for (let start = 0; start < count; start++) {
    const window = new Set<string>();
    for (let offset = 0; offset < size; offset++) window.add(ring[(start + offset) % count] as string);
    sees.set(ring[(start + Math.floor(size / 2)) % count] as string, window);
  }
  return { target: 'majorities-ring', grudge: grudgeFromViews(view, sees) };
}

/** Two halves cut apart, but one node of the larger half (the bridge) sees everyone, and everyone sees it. */
export function bridge(random: Random, view: ClusterView): PartitionPlan {
  assert.ok(view.nodes.length >= 3, 'a bridge needs three nodes');
  const order = shuffled(random, view.nodes);
  const cut = Math.floor(order.length / 2);
  const left = new Set(order.slice(0, cut));
  const right = new Set(order.slice(cut));
  const bridgeNode = order[cut] as string;
  const sees = new Map<string, Set<string>>();
  for (const node of order) {
    const side = left.has(node) ? left : right;
    sees.set(node, node === bridgeNode ? new Set(order) : new Set([...side, bridgeNode]));
  }
  return { target: 'bridge', grudge: grudgeFromViews(view, sees) };
}

/** One node can send but not receive, or receive but not send: half-open links confuse failure detectors. */
export function oneWay(random: Random, view: ClusterView): PartitionPlan {
  assert.ok(view.nodes.length >= 2, 'a one-way cut needs two nodes');
  const node = pickOne(random, view.nodes);
  const others = view.nodes.filter((other) => other !== node);
  const grudge: Grudge = {};
  if (random.next() < 0.5) grudge[node] = others;
  else for (const other of others) grudge[other] = [node];
  return { target: 'one-way', grudge };
}

/** Groups from the config, checked against the nodes beforehand (spec.ts). */
export function customPartition(groups: readonly (readonly string[])[], view: ClusterView): PartitionPlan {
  const listed = groups.flat();
  assert.equal(new Set(listed).size, listed.length, `custom groups overlap: ${JSON.stringify(groups)}`);
  return groupsPlan('custom', view, groups.map((group) => [...group]));
}

export function planPartition(target: PartitionTargetName, random: Random, view: ClusterView, customGroups: readonly string[][] = []): PartitionPlan {
  switch (target) {
    case 'isolate-one':
      return isolateOne(random, view);
    case 'isolate-leader':
      return isolateLeader(random, view);
    case 'isolate-follower':
      return isolateFollower(random, view);
    case 'halves':
      return randomHalves(random, view);
    case 'leader-minority':
      return leaderMinority(random, view);
    case 'majorities-ring':
      return majoritiesRing(random, view);
    case 'bridge':
      return bridge(random, view);
    case 'one-way':
      return oneWay(random, view);
    case 'custom':
      return customPartition(customGroups, view);
  }
}

// Kill and pause.

export type NodeTargetName = 'one' | 'leader' | 'majority';

export const NODE_TARGETS: readonly NodeTargetName[] = ['one', 'leader', 'majority'];

export interface NodeSelection {
  target: NodeTargetName;
  nodes: string[];
}

/** The nodes a kill or pause hits; "leader" with no known leader falls back to one random node. */
export function pickNodes(target: NodeTargetName, random: Random, view: ClusterView): NodeSelection {
  assert.ok(view.nodes.length > 0, 'no nodes to pick from');
  if (target === 'leader' && view.leader !== null && view.nodes.includes(view.leader)) {
    return { target, nodes: [view.leader] };
  }
  if (target === 'majority') {
    return { target, nodes: inViewOrder(view, shuffled(random, view.nodes).slice(0, majoritySize(view.nodes.length))) };
  }
  return { target: 'one', nodes: [pickOne(random, view.nodes)] };
}

// Clocks.

export type ClockChangeName = 'bump' | 'drift' | 'strobe';

export const CLOCK_CHANGES: readonly ClockChangeName[] = ['bump', 'drift', 'strobe'];

export interface ClockLimits {
  /** Largest jump, either way. */
  maxBumpMs: number;
  /** Rates fall in [1 - maxDriftRatio, 1 + maxDriftRatio]; below 1. */
  maxDriftRatio: number;
  /** Largest strobe swing, either way. */
  maxStrobeMs: number;
  maxStrobePeriodMs: number;
}

/** As Jepsen's clock nemesis: jumps up to 2^18 ms (about 4 minutes), strobes up to a 1 s period. */
export const DEFAULT_CLOCK_LIMITS: ClockLimits = { maxBumpMs: 262_144, maxDriftRatio: 0.25, maxStrobeMs: 262_144, maxStrobePeriodMs: 1024 };

export interface ClockPlan {
  change: ClockChangeName;
  /** Each node's own skew: real clocks go wrong independently. */
  skews: Record<string, ClockSkew>;
}

/**
 * A whole number in [1, maxMs], log-uniform: as likely 1-10 ms as 1-10 s, so
 * both the small skews that slip past sanity checks and the large ones that
 * expire leases show up.
 */
function logUniformMs(random: Random, maxMs: number): number {
  return Math.max(1, Math.round(2 ** (random.next() * Math.log2(Math.max(1, maxMs)))));
}

export function bumpSkew(random: Random, limits: ClockLimits): ClockSkew {
  const magnitudeMs = logUniformMs(random, limits.maxBumpMs);
  return { bumpMs: random.next() < 0.5 ? -magnitudeMs : magnitudeMs };
}

export function driftSkew(random: Random, limits: ClockLimits): ClockSkew {
  assert.ok(limits.maxDriftRatio > 0 && limits.maxDriftRatio < 1, `maxDriftRatio must be in (0, 1), got ${limits.maxDriftRatio}`);
  // Four decimals keep the history readable; at least 0.0001 so the clock really drifts.
  const ratio = Math.max(0.0001, Math.round(random.next() * limits.maxDriftRatio * 10_000) / 10_000);
  return { rate: random.next() < 0.5 ? 1 - ratio : 1 + ratio };
}

export function strobeSkew(random: Random, limits: ClockLimits): ClockSkew {
  return { strobe: { amplitudeMs: logUniformMs(random, limits.maxStrobeMs), periodMs: logUniformMs(random, limits.maxStrobePeriodMs) } };
}

/** One node or all of them, evenly: one wrong clock is the common case, all wrong the harsh one. */
export function clockNodes(random: Random, view: ClusterView): string[] {
  assert.ok(view.nodes.length > 0, 'no nodes to pick from');
  return random.next() < 0.5 ? [pickOne(random, view.nodes)] : [...view.nodes];
}

export function planClock(change: ClockChangeName, random: Random, view: ClusterView, limits: ClockLimits): ClockPlan {
  const skewOf = change === 'bump' ? bumpSkew : change === 'drift' ? driftSkew : strobeSkew;
  const skews: Record<string, ClockSkew> = {};
  for (const node of clockNodes(random, view)) skews[node] = skewOf(random, limits);
  return { change, skews };
}
