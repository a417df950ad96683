/**
 * --shard K/M: the K-th of M disjoint slices of a list of seeds, so M CI
 * runners together run every seed once. Round-robin, not contiguous: the
 * seed at position i goes to shard (i mod M) + 1. So a seed's shard does not
 * depend on how many seeds the sweep has (growing the nightly sweep from
 * 2,000 to 4,000 seeds moves no seed to another runner), every shard gets
 * the same mix of early and late seeds (a runner cut off by its job timeout
 * leaves gaps spread over the range, not one missing block), and the sizes
 * of the shards differ by one at most.
 */
import assert from 'node:assert/strict';
import { UsageError } from '../../common/errors.js';

/** More runners than this in one sweep is surely a typo. */
export const MAX_SHARDS = 1000;

export interface Shard {
  /** 1-based: 1..count. */
  index: number;
  count: number;
}

/** The whole list: what no --shard means. */
export const WHOLE: Shard = { index: 1, count: 1 };

/** "3/8" -> { index: 3, count: 8 }; anything else is a usage error that says what fits. */
export function parseShard(text: string | undefined): Shard {
  if (text === undefined) return WHOLE;
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const hint = `give K/M with 1 <= K <= M <= ${MAX_SHARDS}, e.g. --shard 3/8 for the third of 8 runners`;
  if (match === null) throw new UsageError(`"${text}" is not a shard`, { where: '--shard', hint });
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1 || count > MAX_SHARDS) throw new UsageError(`the shard count ${count} is not from 1 to ${MAX_SHARDS}`, { where: '--shard', hint });
  if (index < 1 || index > count) throw new UsageError(`shard ${index} of ${count} does not exist: shards are numbered 1 to ${count}`, { where: '--shard', hint });
  return { index, count };
}

/** The items of the list this shard runs, in the list's order. */
export function shardSlice<T>(items: readonly T[], shard: Shard): T[] {
  assert.ok(Number.isInteger(shard.count) && shard.count >= 1 && shard.index >= 1 && shard.index <= shard.count, `bad shard ${shard.index}/${shard.count}`);
  return items.filter((_, position) => position % shard.count === shard.index - 1);
}

/** The seeds first, first+1, ..., first+count-1 that this shard runs. */
export function shardSeeds(firstSeed: number, count: number, shard: Shard): number[] {
  assert.ok(Number.isSafeInteger(firstSeed) && Number.isSafeInteger(count) && count >= 0, 'seeds must be whole numbers');
  const seeds: number[] = [];
  for (let seed = firstSeed + shard.index - 1; seed < firstSeed + count; seed += shard.count) seeds.push(seed);
  return seeds;
}

/** "shard 3/8" for headings, "" for the whole list. */
export function shardLabel(shard: Shard): string {
  return shard.count === 1 ? '' : `shard ${shard.index}/${shard.count}`;
}
