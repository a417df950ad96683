/**
 * ZAB-specific liveness around acceptedEpoch: a peer that accepted an epoch a
 * would-be leader never established refuses every lower epoch, so the
 * leader it finds must move to a higher epoch rather than leave it LOOKING
 * for good (random fault schedules 702 and 856 found this).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { awaitConvergence, awaitLeader, committedIds, newCluster, writeMany } from '../testing/helpers.js';
import { randomRun } from '../testing/random-run.js';
import { ZabHistory } from './history.js';

describe('zab epochs', () => {
  test('a follower whose acceptedEpoch is above the leader epoch makes the leader move past it', () => {
    const cluster = newCluster('zab');
    writeMany(cluster, 'a', 5);
    awaitConvergence(cluster);
    const leader = awaitLeader(cluster);
    const leaderEpoch = cluster.engine(leader).status().epoch;
    const follower = cluster.addresses.find((address) => address !== leader) as string;
    cluster.crash(follower);
    // What a would-be leader that chose an epoch and then lost its quorum leaves on disk.
    const history = new ZabHistory(cluster.storageOf(follower));
    history.load();
    const strandedEpoch = leaderEpoch + 3;
    history.setAcceptedEpoch(strandedEpoch);
    history.sync();
    cluster.restart(follower);
    writeMany(cluster, 'b', 5);
    awaitConvergence(cluster);
    const newLeader = awaitLeader(cluster);
    assert.ok(cluster.engine(newLeader).status().epoch > strandedEpoch, 'the leader moved above the stranded epoch');
    assert.equal(cluster.engine(follower).status().role, 'follower');
    const committed = committedIds(cluster);
    for (const id of ['a1', 'a5', 'b1', 'b5']) assert.ok(committed.includes(id), `${id} was lost`);
  });

  for (const seed of [702, 856]) {
    test(`random fault schedule ${seed} keeps every invariant and converges`, () => {
      const result = randomRun({ kind: 'zab', seed });
      assert.equal(result.violation, null, result.violation?.message);
      assert.ok(result.converged, `seed ${seed} did not converge after healing`);
    });
  }
});
