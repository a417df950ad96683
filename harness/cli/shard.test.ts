/** --shard K/M: slices that are disjoint, cover every seed once, and depend on K, M and the seeds alone. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFaultlineError } from '../../common/errors.js';
import { planMatrix } from './commands/compare-matrix.js';
import { seedsToRun } from './commands/run-tests.js';
import { MAX_SHARDS, parseShard, shardSeeds, shardSlice, WHOLE } from './shard.js';

test('parseShard reads K/M and refuses what does not fit with a usage error naming --shard', () => {
  assert.deepEqual(parseShard('3/8'), { index: 3, count: 8 });
  assert.deepEqual(parseShard(' 1 / 1 '), { index: 1, count: 1 });
  assert.deepEqual(parseShard(undefined), WHOLE);
  for (const bad of ['0/3', '4/3', '1/0', '3', '1/2/3', 'a/b', '-1/3', '1.5/3', '', `1/${MAX_SHARDS + 1}`]) {
    assert.throws(() => parseShard(bad), (error: unknown) => isFaultlineError(error) && error.code === 'E_USAGE' && error.where === '--shard', bad);
  }
});

test('for many N and M, the M slices are disjoint, cover the seeds once, differ in size by one at most', () => {
  for (let count = 0; count <= 40; count++) {
    for (let shards = 1; shards <= 12; shards++) {
      const firstSeed = 1000 + count * shards;
      const slices = Array.from({ length: shards }, (_, index) => shardSeeds(firstSeed, count, { index: index + 1, count: shards }));
      const all = slices.flat().sort((left, right) => left - right);
      assert.deepEqual(all, Array.from({ length: count }, (_, offset) => firstSeed + offset), `N=${count} M=${shards}`);
      const sizes = slices.map((slice) => slice.length);
      assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1, `N=${count} M=${shards}: ${sizes.join(',')}`);
      for (const [index, slice] of slices.entries()) {
        assert.deepEqual(slice, shardSlice(Array.from({ length: count }, (_, offset) => firstSeed + offset), { index: index + 1, count: shards }));
      }
    }
  }
});

test('a seed stays on its shard when the sweep grows: round-robin depends on its position, not on N', () => {
  const small = shardSeeds(1, 2000, { index: 3, count: 8 });
  const large = shardSeeds(1, 4000, { index: 3, count: 8 });
  assert.deepEqual(large.slice(0, small.length), small);
  assert.deepEqual(small.slice(0, 3), [3, 11, 19]);
});

test('faultline test: --shard slices --seed and --test-count, needs a seed, and bounds the count', () => {
  assert.deepEqual(seedsToRun({ seed: 10, 'test-count': 7, shard: '2/3' }, undefined, 0), [11, 14]);
  assert.deepEqual(seedsToRun({ 'test-count': 4, shard: '1/2' }, 50, 0), [50, 52], 'the seed may come from the config file');
  assert.deepEqual(seedsToRun({ seed: 5, 'test-count': 2, shard: '3/3' }, undefined, 0), [], 'fewer seeds than shards: this one runs none');
  assert.deepEqual(seedsToRun({ 'test-count': 2 }, undefined, 1_000_000_123), [123, 124], 'no shard: from the clock, as before');
  const refused = (argv: Parameters<typeof seedsToRun>[0]): void => {
    assert.throws(() => seedsToRun(argv, undefined, 0), (error: unknown) => isFaultlineError(error) && error.code === 'E_USAGE');
  };
  refused({ 'test-count': 10, shard: '1/2' });
  refused({ seed: 1, 'test-count': 1_000_000 });
  refused({ seed: 1, 'test-count': 2.5 });
  refused({ seed: 1, 'test-count': 4, shard: '5/4' });
});

test('faultline compare: the shards of a matrix are disjoint, cover it, and keep each seed\'s systems together', () => {
  const lists = { systems: 'coordinator-raft,coordinator-zab', workloads: 'register,lock', nemeses: 'partition,kill', seeds: '1-7,20' };
  const cell = (config: { system: string; workload: string; nemesis: string; seed: number }): string => `${config.system} ${config.workload} ${config.nemesis} ${config.seed}`;
  const whole = planMatrix('test', lists, [], '/tmp/unused').map(cell).sort();
  assert.equal(whole.length, 2 * 2 * 2 * 8);
  for (const shards of [1, 2, 3, 5, 8, 9]) {
    const slices = Array.from({ length: shards }, (_, index) => planMatrix('test', lists, [], '/tmp/unused', { index: index + 1, count: shards }));
    assert.deepEqual(slices.flat().map(cell).sort(), whole, `M=${shards}`);
    for (const slice of slices) {
      const seeds = new Set(slice.map((config) => config.seed));
      assert.equal(slice.length, seeds.size * 8, 'every system, workload and nemesis of a seed on the same shard');
    }
  }
  // The bound on runs holds per shard: 800 seeds over 8 shards is 100 runs each.
  assert.equal(planMatrix('test', { ...lists, systems: 'coordinator-raft', workloads: 'register', nemeses: 'partition', seeds: '1-800' }, [], '/tmp/unused', { index: 8, count: 8 }).length, 100);
  assert.throws(() => planMatrix('test', { ...lists, seeds: '1-800' }, [], '/tmp/unused'), /more than 200 seeds/);
});
