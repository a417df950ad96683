/**
 * The matrix of `faultline compare`: comma lists of systems, workloads,
 * nemeses and seeds turned into one resolved RunConfig per run, every one
 * validated before the first run starts, in an order that runs the systems
 * one after another on the same seed, workload and nemesis.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../../../common/errors.js';
import { parseNemesisSpec } from '../../../nemesis/spec.js';
import { resolveConfig, SYSTEM_NAMES, type RunConfig } from '../../run/config.js';
import { WORKLOAD_NAMES } from '../../../workloads/index.js';
import { shardSlice, WHOLE, type Shard } from '../shard.js';

/** A matrix larger than this is refused: each run costs seconds to minutes, and the page must stay readable. */
export const MAX_COMPARE_RUNS = 200;
const MAX_LIST_ITEMS = 100;

export interface MatrixLists {
  systems: string;
  workloads: string;
  /** Comma list of nemeses; "partition+kill" is one nemesis combining both. */
  nemeses: string;
  /** Comma list of seeds and ranges: "1,2,3" or "1-5". */
  seeds: string;
}

export function parseList(flag: string, text: string): string[] {
  const items = text.split(',').map((item) => item.trim());
  if (items.some((item) => item === '')) {
    throw new UsageError(`an empty item in "${text}"`, { where: `--${flag}`, hint: 'give a comma list without empty items, e.g. a,b' });
  }
  const unique = [...new Set(items)];
  if (unique.length > MAX_LIST_ITEMS) throw new UsageError(`more than ${MAX_LIST_ITEMS} items`, { where: `--${flag}` });
  return unique;
}

function checkChoices(flag: string, items: readonly string[], choices: readonly string[]): void {
  for (const item of items) {
    if (!choices.includes(item)) {
      throw new UsageError(`unknown ${flag.replace(/s$/, '')} "${item}"`, { where: `--${flag}`, hint: `choose from: ${choices.join(', ')}` });
    }
  }
}

/** With --shard K/M the seed list may be M times longer: the bound on runs holds per shard. */
export function parseSeeds(text: string, maxSeeds = MAX_COMPARE_RUNS): number[] {
  const seeds = new Set<number>();
  for (const item of parseList('seeds', text)) {
    const range = /^(\d+)-(\d+)$/.exec(item);
    const [first, last] = range === null ? [Number(item), Number(item)] : [Number(range[1]), Number(range[2])];
    if (!/^\d+(-\d+)?$/.test(item) || !Number.isSafeInteger(first) || !Number.isSafeInteger(last) || last < first) {
      throw new UsageError(`"${item}" is not a seed or a range of seeds`, { where: '--seeds', hint: 'whole numbers, e.g. 1,2,3 or 1-5' });
    }
    if (last - first >= maxSeeds) throw new UsageError(`the range "${item}" has more than ${maxSeeds} seeds`, { where: '--seeds' });
    for (let seed = first; seed <= last; seed++) seeds.add(seed);
    if (seeds.size > maxSeeds) throw new UsageError(`more than ${maxSeeds} seeds in all`, { where: '--seeds' });
  }
  return [...seeds];
}

/** "partition+kill" -> "partition,kill", validated as --nemesis would be. */
function nemesisSpec(item: string): string {
  const spec = item.replace(/\+/g, ',');
  parseNemesisSpec(spec, '--nemeses');
  return spec;
}

/** "compare-20261122T130455Z" under out, with a suffix if that exists already. */
export function compareDirectory(out: string, startedAt: Date): string {
  const base = resolve(out, `compare-${startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`);
  let path = base;
  for (let attempt = 2; existsSync(path) && attempt < 1000; attempt++) path = `${base}-${attempt}`;
  return path;
}

/**
 * Every run's config, validated; nothing is created or run here. A shard
 * takes its round-robin slice of the seeds (harness/cli/shard.ts) and runs
 * every system, workload and nemesis on each: the systems stay side by side
 * on one runner's page, and the slice depends on K, M and the seeds alone.
 */
export function planMatrix(version: string, lists: MatrixLists, layers: Partial<RunConfig>[], directory: string, shard: Shard = WHOLE): RunConfig[] {
  const systems = parseList('systems', lists.systems);
  checkChoices('systems', systems, SYSTEM_NAMES);
  const workloads = parseList('workloads', lists.workloads);
  checkChoices('workloads', workloads, WORKLOAD_NAMES);
  const nemeses = parseList('nemeses', lists.nemeses).map(nemesisSpec);
  const seeds = shardSlice(parseSeeds(lists.seeds, MAX_COMPARE_RUNS * shard.count), shard);
  const total = systems.length * workloads.length * nemeses.length * seeds.length;
  if (total > MAX_COMPARE_RUNS) {
    const shape = `${systems.length} systems × ${workloads.length} workloads × ${nemeses.length} nemeses × ${seeds.length} seeds`;
    throw new UsageError(`the matrix has ${total} runs (${shape}), more than the ${MAX_COMPARE_RUNS} one comparison may run`, {
      where: '--seeds',
      hint: 'narrow the lists, or split the matrix over runners with --shard K/M',
    });
  }
  const configs: RunConfig[] = [];
  for (const seed of seeds) {
    for (const workload of workloads) {
      for (const nemesis of nemeses) {
        for (const system of systems) {
          const cell = { system, workload, nemesis, out: directory } as Partial<RunConfig>;
          configs.push(resolveConfig(version, seed, ...layers, cell));
        }
      }
    }
  }
  return configs;
}
