import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../common/random.js';
import type { ClusterView } from './index.js';
import {
  DEFAULT_CLOCK_LIMITS,
  bridge,
  bumpSkew,
  clockNodes,
  customPartition,
  driftSkew,
  isolateLeader,
  isolateOne,
  leaderMinority,
  majoritiesRing,
  majoritySize,
  oneWay,
  pickNodes,
  planClock,
  planPartition,
  randomHalves,
  shuffled,
  strobeSkew,
  type Grudge,
  type PartitionPlan,
} from './targets.js';

function view(count: number, leader: string | null = null): ClusterView {
  return { nodes: Array.from({ length: count }, (_, index) => `n${index + 1}`), leader };
}

const SIZES = [2, 3, 4, 5, 6, 7, 8, 9];
const SEEDS = Array.from({ length: 40 }, (_, index) => index * 7919 + 1);

function groupsOf(plan: PartitionPlan): string[][] {
  assert.ok('groups' in plan, `expected groups, got ${JSON.stringify(plan)}`);
  return plan.groups;
}

function grudgeOf(plan: PartitionPlan): Grudge {
  assert.ok('grudge' in plan, `expected a grudge, got ${JSON.stringify(plan)}`);
  return plan.grudge;
}

/** Every node in at most one group, every group non-empty and in view order. */
function assertDisjoint(groups: string[][], cluster: ClusterView): void {
  const listed = groups.flat();
  assert.equal(new Set(listed).size, listed.length, `a node in two groups: ${JSON.stringify(groups)}`);
  for (const group of groups) {
    assert.ok(group.length > 0);
    assert.deepEqual(group, cluster.nodes.filter((node) => group.includes(node)));
  }
}

/** Who each node still receives from (itself included). */
function seenBy(grudge: Grudge, cluster: ClusterView): Map<string, string[]> {
  return new Map(cluster.nodes.map((node) => [node, cluster.nodes.filter((other) => !(grudge[node] ?? []).includes(other))]));
}

test('shuffled is a permutation and depends on the seed', () => {
  const items = view(9).nodes;
  const first = shuffled(new SeededRandom(1), items);
  assert.deepEqual([...first].sort(), [...items].sort());
  assert.deepEqual(shuffled(new SeededRandom(1), items), first);
  assert.notDeepEqual(shuffled(new SeededRandom(2), items), first);
});

test('isolate one: one node alone, the rest together', () => {
  for (const size of SIZES) {
    const cluster = view(size);
    const isolated = new Set<string>();
    for (const seed of SEEDS) {
      const groups = groupsOf(isolateOne(new SeededRandom(seed), cluster));
      assertDisjoint(groups, cluster);
      assert.equal(groups[0]?.length, 1);
      assert.equal(groups.flat().length, size);
      isolated.add(groups[0]?.[0] as string);
    }
    assert.equal(isolated.size, size, 'over many seeds every node gets isolated');
  }
});

test('isolate the leader; without a leader, a random node recorded as isolate-one', () => {
  const plan = isolateLeader(new SeededRandom(1), view(5, 'n4'));
  assert.deepEqual(plan, { target: 'isolate-leader', groups: [['n4'], ['n1', 'n2', 'n3', 'n5']] });
  const fallback = isolateLeader(new SeededRandom(1), view(5, null));
  assert.equal(fallback.target, 'isolate-one');
  assertDisjoint(groupsOf(fallback), view(5));
});

test('leader-minority: the leader and random followers are the smaller half; three nodes leave the leader alone; without a leader, random halves', () => {
  for (const size of [3, 5, 7, 8]) {
    const followersSeen = new Set<string>();
    for (const seed of SEEDS) {
      const plan = leaderMinority(new SeededRandom(seed), view(size, 'n2'));
      assert.equal(plan.target, 'leader-minority');
      const groups = groupsOf(plan);
      assertDisjoint(groups, view(size));
      assert.ok(groups[0]!.includes('n2'), `seed ${seed}: the leader is on the minority side`);
      assert.deepEqual(groups.map((group) => group.length), [Math.floor(size / 2), Math.ceil(size / 2)]);
      for (const node of groups[0]!) if (node !== 'n2') followersSeen.add(node);
    }
    assert.equal(followersSeen.size, size === 3 ? 0 : size - 1, `${size} nodes: over seeds every follower joins the leader`);
  }
  const fallback = leaderMinority(new SeededRandom(1), view(5, null));
  assert.equal(fallback.target, 'halves');
  assertDisjoint(groupsOf(fallback), view(5));
});

test('random halves: the smaller half first, together covering every node', () => {
  for (const size of SIZES) {
    const cluster = view(size);
    for (const seed of SEEDS) {
      const groups = groupsOf(randomHalves(new SeededRandom(seed), cluster));
      assertDisjoint(groups, cluster);
      assert.deepEqual(groups.map((group) => group.length), [Math.floor(size / 2), Math.ceil(size / 2)]);
    }
  }
});

test('majorities ring: every node sees a majority, itself included, and no two see the same one', () => {
  for (const size of SIZES.filter((count) => count >= 3)) {
    const cluster = view(size);
    for (const seed of SEEDS) {
      const seen = seenBy(grudgeOf(majoritiesRing(new SeededRandom(seed), cluster)), cluster);
      const distinct = new Set<string>();
      for (const [node, visible] of seen) {
        assert.equal(visible.length, majoritySize(size), `${node} sees ${visible.join(',')} of ${size}`);
        assert.ok(visible.includes(node));
        distinct.add(visible.join(','));
      }
      assert.equal(distinct.size, size, `two nodes see the same majority (size ${size}, seed ${seed})`);
    }
  }
});

test('bridge: two halves cut apart, joined by one node that sees and is seen by all', () => {
  for (const size of SIZES.filter((count) => count >= 3)) {
    const cluster = view(size);
    for (const seed of SEEDS) {
      const grudge = grudgeOf(bridge(new SeededRandom(seed), cluster));
      const seen = seenBy(grudge, cluster);
      const bridges = cluster.nodes.filter((node) => seen.get(node)?.length === size && cluster.nodes.every((other) => seen.get(other)?.includes(node)));
      assert.equal(bridges.length, 1, `one bridge in ${JSON.stringify(grudge)}`);
      const bridgeNode = bridges[0] as string;
      // Without the bridge, "sees" is an equivalence with exactly two classes.
      const sides = new Set(cluster.nodes.filter((node) => node !== bridgeNode).map((node) => (seen.get(node) as string[]).filter((other) => other !== bridgeNode).join(',')));
      assert.equal(sides.size, 2);
      const [left, right] = [...sides].map((side) => side.split(','));
      assert.equal((left as string[]).length + (right as string[]).length, size - 1);
      assert.ok(Math.abs((left as string[]).length - (right as string[]).length) <= 2);
    }
  }
});

test('one-way: a node receives from nobody, or nobody receives from it', () => {
  const cluster = view(5);
  const directions = new Set<string>();
  for (const seed of SEEDS) {
    const grudge = grudgeOf(oneWay(new SeededRandom(seed), cluster));
    const receivers = Object.keys(grudge);
    if (receivers.length === 1) {
      const deaf = receivers[0] as string;
      assert.deepEqual(grudge[deaf], cluster.nodes.filter((node) => node !== deaf));
      directions.add('cannot receive');
    } else {
      assert.equal(receivers.length, 4);
      const senders = new Set(Object.values(grudge).flat());
      assert.equal(senders.size, 1);
      assert.ok(!receivers.includes([...senders][0] as string));
      directions.add('cannot send');
    }
  }
  assert.equal(directions.size, 2);
});

test('custom groups come out in view order; overlapping groups are a programmer error', () => {
  assert.deepEqual(customPartition([['n3', 'n1'], ['n2']], view(4)), { target: 'custom', groups: [['n1', 'n3'], ['n2']] });
  assert.throws(() => customPartition([['n1'], ['n1', 'n2']], view(3)), /overlap/);
});

test('partition targets are deterministic from the seed', () => {
  const cluster = view(7, 'n2');
  for (const target of ['isolate-one', 'isolate-leader', 'halves', 'leader-minority', 'majorities-ring', 'bridge', 'one-way'] as const) {
    const plans = SEEDS.slice(0, 10).map((seed) => JSON.stringify(planPartition(target, new SeededRandom(seed), cluster)));
    const again = SEEDS.slice(0, 10).map((seed) => JSON.stringify(planPartition(target, new SeededRandom(seed), cluster)));
    assert.deepEqual(again, plans);
    if (target !== 'isolate-leader') assert.ok(new Set(plans).size > 1, `${target} ignores the seed`);
  }
});

test('kill and pause targets: one, the leader, a majority', () => {
  for (const size of [1, 3, 5, 8]) {
    const cluster = view(size, 'n1');
    for (const seed of SEEDS) {
      const random = new SeededRandom(seed);
      assert.equal(pickNodes('one', random, cluster).nodes.length, 1);
      assert.deepEqual(pickNodes('leader', random, cluster), { target: 'leader', nodes: ['n1'] });
      const majority = pickNodes('majority', random, cluster).nodes;
      assert.equal(new Set(majority).size, majoritySize(size));
      assert.deepEqual(majority, cluster.nodes.filter((node) => majority.includes(node)));
    }
  }
  const leaderless = pickNodes('leader', new SeededRandom(3), view(3));
  assert.equal(leaderless.target, 'one');
  assert.equal(leaderless.nodes.length, 1);
  const picks = SEEDS.map((seed) => pickNodes('majority', new SeededRandom(seed), view(5)).nodes.join(','));
  assert.deepEqual(SEEDS.map((seed) => pickNodes('majority', new SeededRandom(seed), view(5)).nodes.join(',')), picks);
  assert.ok(new Set(picks).size > 1);
});

test('clock skews stay within their limits', () => {
  const limits = { maxBumpMs: 10_000, maxDriftRatio: 0.2, maxStrobeMs: 500, maxStrobePeriodMs: 64 };
  const bumps: number[] = [];
  for (const seed of SEEDS) {
    const random = new SeededRandom(seed);
    const bumpMs = bumpSkew(random, limits).bumpMs as number;
    assert.ok(bumpMs !== 0 && Math.abs(bumpMs) <= 10_000 && Number.isInteger(bumpMs));
    bumps.push(bumpMs);
    const rate = driftSkew(random, limits).rate as number;
    assert.ok(rate !== 1 && rate >= 0.8 && rate <= 1.2, `rate ${rate}`);
    const strobe = strobeSkew(random, limits).strobe;
    assert.ok(strobe !== undefined && strobe.amplitudeMs >= 1 && strobe.amplitudeMs <= 500 && strobe.periodMs >= 1 && strobe.periodMs <= 64);
  }
  assert.ok(bumps.some((bump) => bump < 0) && bumps.some((bump) => bump > 0), 'bumps go both ways');
});

test('clock plans hit one node or all, each with its own skew, deterministically', () => {
  const cluster = view(5);
  const sizes = new Set(SEEDS.map((seed) => clockNodes(new SeededRandom(seed), cluster).length));
  assert.deepEqual([...sizes].sort(), [1, 5]);
  for (const seed of SEEDS) {
    const plan = planClock('bump', new SeededRandom(seed), cluster, DEFAULT_CLOCK_LIMITS);
    assert.equal(plan.change, 'bump');
    assert.ok([1, 5].includes(Object.keys(plan.skews).length));
    assert.deepEqual(planClock('bump', new SeededRandom(seed), cluster, DEFAULT_CLOCK_LIMITS), plan);
  }
  assert.notDeepEqual(planClock('drift', new SeededRandom(1), cluster, DEFAULT_CLOCK_LIMITS), planClock('drift', new SeededRandom(2), cluster, DEFAULT_CLOCK_LIMITS));
});
