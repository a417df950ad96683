/**
 * The behaviour both engines must show, as node:test cases over the engines'
 * test cluster on the simulator (testing/cluster.ts): one leader per epoch or term, the same
 * commits everywhere in the same order, no committed entry lost to crashes or
 * partitions, minorities that cannot commit, read barriers that fail when
 * deposed, and hundreds of random fault schedules with every invariant
 * checked after every step.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { EngineKind, Position } from '../engine.js';
import type { Address } from '../world.js';
import {
  awaitConvergence,
  awaitLeader,
  committedIds,
  leaseScenario,
  newCluster,
  readResult,
  writeMany,
} from './testing/helpers.js';
import { randomRun } from './testing/random-run.js';

export const RANDOM_SEEDS = 200;

export const CONFORMANCE_CHECKS: Record<string, (kind: EngineKind) => void> = {
  'elects exactly one leader that every node follows': (kind) => {
    const cluster = newCluster(kind);
    const leader = awaitLeader(cluster);
    cluster.runFor(1000);
    assert.deepEqual(cluster.leaders(), [leader]);
    for (const address of cluster.addresses) assert.equal(cluster.engine(address).status().leader, leader);
  },

  'commits proposals on all nodes in the same order': (kind) => {
    const cluster = newCluster(kind, { voters: 5 });
    const ids = writeMany(cluster, 'w', 40, 3);
    awaitConvergence(cluster);
    const committed = committedIds(cluster).filter((id) => id.startsWith('w'));
    assert.deepEqual(committed, ids);
  },

  'survives a leader crash and restart without losing a committed entry': (kind) => {
    const cluster = newCluster(kind);
    const before = writeMany(cluster, 'a', 20);
    awaitConvergence(cluster);
    const oldLeader = awaitLeader(cluster);
    cluster.crash(oldLeader);
    const newLeader = awaitLeader(cluster);
    assert.notEqual(newLeader, oldLeader);
    const after = writeMany(cluster, 'b', 20);
    cluster.restart(oldLeader);
    awaitConvergence(cluster);
    const committed = committedIds(cluster);
    for (const id of [...before, ...after]) assert.ok(committed.includes(id), `${id} was lost`);
  },

  'a minority partition cannot commit, and its writes vanish when it heals': (kind) => {
    const cluster = newCluster(kind, { voters: 5 });
    writeMany(cluster, 'w', 5);
    const leader = awaitLeader(cluster);
    const others = cluster.addresses.filter((address) => address !== leader);
    cluster.partition([[leader, others[0] as Address], others.slice(1)]);
    for (let index = 1; index <= 10; index++) cluster.propose(leader, `minority${index}`);
    cluster.runFor(1000);
    const majorityLeader = awaitLeader(cluster);
    assert.ok(others.slice(1).includes(majorityLeader), 'the majority elected a leader of its own');
    writeMany(cluster, 'majority', 5);
    cluster.heal();
    awaitConvergence(cluster);
    const committed = committedIds(cluster);
    assert.ok(!committed.some((id) => id.startsWith('minority')), 'a minority committed a write');
    assert.ok(committed.includes('majority5'));
  },

  'a partitioned follower far behind converges when the partition heals': (kind) => {
    const cluster = newCluster(kind, { compactAfterEntries: 10 });
    const leader = awaitLeader(cluster);
    // The majority side has had time to elect: ask one of its nodes that does not lead now.
    const follower = cluster.addresses.find((address) => address !== leader && cluster.engine(address).status().role !== 'leader') as Address;
    cluster.partition([[follower], cluster.addresses.filter((address) => address !== follower)]);
    writeMany(cluster, 'w', 60);
    cluster.heal();
    awaitConvergence(cluster);
    assert.equal(cluster.appliedDigest(follower).digest, cluster.appliedDigest(awaitLeader(cluster)).digest);
  },

  'every committed entry is in the log after the step that committed it, so the invariants check it': (kind) => {
    // Compacting in the step that commits hid those entries from committed-entries-agree and committed-entry-lost.
    const cluster = newCluster(kind, { voters: 5, compactAfterEntries: 10 });
    writeMany(cluster, 'w', 60, 4);
    awaitConvergence(cluster);
    assert.equal(cluster.invariants.committedCount, cluster.checker.committed.size, 'committed positions the invariants saw');
  },

  'writes lost because they were never synced do not break safety': (kind) => {
    for (let seed = 1; seed <= 20; seed++) {
      const result = randomRun({ kind, seed, faults: ['crash'], faultRate: 0.1, cluster: { lossRate: 0 } });
      assert.equal(result.violation, null, `seed ${seed}: ${result.violation?.message}`);
      assert.ok(result.converged, `seed ${seed} did not converge`);
    }
  },

  'readBarrier answers on a leader and fails once it is deposed': (kind) => {
    const cluster = newCluster(kind);
    writeMany(cluster, 'w', 5);
    awaitConvergence(cluster);
    const leader = awaitLeader(cluster);
    const healthy = readResult(cluster, leader, 500);
    assert.ok(healthy?.ok, 'a read barrier on a healthy leader succeeds');
    cluster.partition([[leader], cluster.addresses.filter((address) => address !== leader)]);
    const deposed = readResult(cluster, leader, 2000);
    assert.ok(deposed !== null && !deposed.ok, 'a read barrier on a cut-off leader fails');
    // The majority side has had time to elect: ask one of its nodes that does not lead now.
    const follower = cluster.addresses.find((address) => address !== leader && cluster.engine(address).status().role !== 'leader') as Address;
    assert.equal(readResult(cluster, follower, 10)?.ok, false);
  },

  'a read barrier failed by a step-down answers after it: its callback finds no leader, and a propose from it is refused': (kind) => {
    const cluster = newCluster(kind);
    writeMany(cluster, 'w', 3);
    awaitConvergence(cluster);
    const leader = awaitLeader(cluster);
    cluster.partition([[leader], cluster.addresses.filter((address) => address !== leader)]);
    let seen: { reason: string; role: string; proposed: Position | null } | null = null;
    cluster.readBarrier(leader, (result) => {
      const reason = result.ok ? 'ok' : result.reason;
      // Before the fix, Raft ran this callback inside the step-down: still 'leader', and the propose crashed.
      seen = { reason, role: cluster.engine(leader).status().role, proposed: cluster.propose(leader, 'from-callback') };
    });
    assert.ok(cluster.runUntil(() => seen !== null, 2000), 'the read barrier was never answered');
    const { reason, role, proposed } = seen as unknown as { reason: string; role: string; proposed: Position | null };
    assert.match(reason, /leader deposed/, 'the barrier failed because its leader stepped down');
    assert.notEqual(role, 'leader');
    assert.equal(proposed, null);
  },

  'a leader whose wall clock was set back still steps down once it loses its quorum': (kind) => {
    const cluster = newCluster(kind);
    const leader = awaitLeader(cluster);
    // Acknowledgements arrive while the leader's wall clock is a minute ahead; then it is set right.
    cluster.bumpClock(leader, 60_000);
    writeMany(cluster, 'w', 5);
    cluster.runFor(300);
    cluster.bumpClock(leader, -60_000);
    cluster.partition([[leader], cluster.addresses.filter((address) => address !== leader)]);
    cluster.runFor(1000);
    assert.notEqual(cluster.engine(leader).status().role, 'leader', 'a leader cut off for 1 s still leads');
    cluster.heal();
    awaitConvergence(cluster);
  },

  'a lease never outlives its leader while clocks drift within the bound': (kind) => {
    for (let seed = 1; seed <= 30; seed++) assert.equal(leaseScenario(kind, seed, []), null, `seed ${seed}`);
  },

  'an observer applies every commit but does not count toward a quorum': (kind) => {
    const cluster = newCluster(kind, { observers: 1 });
    writeMany(cluster, 'w', 10);
    awaitConvergence(cluster);
    const observer = cluster.observers[0] as Address;
    assert.equal(cluster.engine(observer).status().role, 'observer');
    const leader = awaitLeader(cluster);
    const voters = cluster.voters.filter((address) => address !== leader);
    cluster.crash(voters[0] as Address);
    cluster.crash(voters[1] as Address);
    const before = cluster.checker.maxCommitted;
    cluster.propose(leader, 'alone');
    cluster.runFor(500);
    assert.equal(cluster.checker.maxCommitted, before, 'a leader and an observer are no quorum');
  },

  [`${RANDOM_SEEDS} random fault schedules keep every invariant`]: (kind) => {
    for (let seed = 1; seed <= RANDOM_SEEDS; seed++) {
      const result = randomRun({ kind, seed });
      assert.equal(result.violation, null, `seed ${seed}: ${result.violation?.message}`);
      assert.ok(result.converged, `seed ${seed} did not converge after healing`);
    }
  },
};

export function conformanceSuite(kind: EngineKind): void {
  describe(`${kind} conformance`, () => {
    for (const [name, check] of Object.entries(CONFORMANCE_CHECKS)) test(name, () => check(kind));
  });
}
