/**
 * Steps the conformance checks share: start a cluster, wait for a leader that
 * takes writes, write, wait for every replica to converge, read.
 */
import assert from 'node:assert/strict';
import type { EngineKind, ReadBarrierResult } from '../../engine.js';
import type { Address } from '../../world.js';
import { TestCluster, type ClusterConfig } from './cluster.js';

export function newCluster(kind: EngineKind, config: Partial<ClusterConfig> = {}): TestCluster {
  const cluster = new TestCluster({ kind, seed: 1, voters: 3, compactAfterEntries: 15, ...config });
  cluster.start();
  return cluster;
}

/** Runs until some node leads and can take proposals; returns it. */
export function awaitLeader(cluster: TestCluster, limitMs = 3000): Address {
  assert.ok(cluster.runUntil(() => canPropose(cluster), limitMs), 'no leader could take proposals in time');
  return cluster.proposer() as Address;
}

function canPropose(cluster: TestCluster): boolean {
  const leader = cluster.proposer();
  return leader !== null && cluster.leaders().length === 1 && leaderAcceptsWrites(cluster, leader);
}

const acceptsWrites = new WeakMap<TestCluster, Set<string>>();

/** A ZAB leader still synchronizing says 'leader' but refuses writes: probe once per epoch with a write. */
function leaderAcceptsWrites(cluster: TestCluster, leader: Address): boolean {
  const key = `${leader}:${cluster.engine(leader).status().epoch}`;
  const known = acceptsWrites.get(cluster) ?? new Set<string>();
  acceptsWrites.set(cluster, known);
  if (known.has(key)) return true;
  if (cluster.propose(leader, `probe-${key}`) === null) return false;
  known.add(key);
  return true;
}

/** Proposes writes named prefix1..prefixN on the current leader, one per stepMs. */
export function writeMany(cluster: TestCluster, prefix: string, count: number, stepMs = 10): string[] {
  const ids: string[] = [];
  for (let index = 1; index <= count; index++) {
    const leader = awaitLeader(cluster);
    const id = `${prefix}${index}`;
    assert.notEqual(cluster.propose(leader, id), null);
    ids.push(id);
    cluster.runFor(stepMs);
  }
  return ids;
}

/** Runs until every live node applied the same state as the leader, at the leader's last position. */
export function awaitConvergence(cluster: TestCluster, limitMs = 5000): void {
  const converged = (): boolean => {
    const leader = cluster.proposer();
    if (leader === null) return false;
    const status = cluster.engine(leader).status();
    if (status.commitPosition !== status.lastPosition) return false;
    const target = cluster.appliedDigest(leader);
    return cluster.addresses.every((address) => {
      if (!cluster.isAlive(address)) return true;
      const applied = cluster.appliedDigest(address);
      return applied.position === target.position && applied.digest === target.digest;
    });
  };
  assert.ok(cluster.runUntil(converged, limitMs), 'the cluster did not converge');
}

export function committedIds(cluster: TestCluster): string[] {
  const entries = [...cluster.checker.committed.entries()].sort(([left], [right]) => left - right);
  return entries.map(([, entry]) => entry.id);
}

export function readResult(cluster: TestCluster, address: Address, waitMs: number): ReadBarrierResult | null {
  let result: ReadBarrierResult | null = null;
  cluster.readBarrier(address, (outcome) => (result = outcome));
  cluster.runUntil(() => result !== null, waitMs);
  return result;
}

/**
 * The leader's clock runs slow (at 0.82 it loses 27 ms per 150, inside the
 * 30 ms drift bound), then the leader is cut off: its lease must end before anyone
 * else leads. Returns the violation, if any.
 */
export function leaseScenario(kind: EngineKind, seed: number, bugs: string[], leaderClockRate = 0.82): string | null {
  const cluster = newCluster(kind, { seed, bugs, electionTimeoutMs: 150, leaseMs: 150, maxClockDriftMs: 30 });
  try {
    const leader = awaitLeader(cluster);
    cluster.setClockRate(leader, leaderClockRate);
    writeMany(cluster, 'w', 10);
    cluster.runFor(cluster.random.integer(0, 30));
    cluster.partition([[leader], cluster.addresses.filter((address) => address !== leader)]);
    cluster.runFor(800);
    return null;
  } catch (error) {
    if (error instanceof Error && error.name === 'InvariantViolation') return error.message;
    throw error;
  }
}
