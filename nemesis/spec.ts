/**
 * From the run config to a schedule: parses the --nemesis spec ("none",
 * "all", or a comma list such as "partition,kill"), validates the nemesis
 * options, builds the nemeses, and checks that the runtime can do every fault
 * chosen, so every mistake is a clear UsageError before the run starts.
 */
import { UsageError } from '../common/errors.js';
import type { SeededRandom } from '../common/random.js';
import type { FaultAbility } from '../harness/runtimes/index.js';
import { clockNemesis, type ClockOptions } from './clock.js';
import type { FaultKind, Nemesis } from './index.js';
import { killNemesis } from './kill.js';
import { partitionNemesis, type PartitionOptions } from './partition.js';
import { pauseNemesis } from './pause.js';
import type { NodeFaultOptions } from './process-fault.js';
import { DEFAULT_TIMING, NemesisSchedule, type DurationRangeMs, type ScheduleTiming } from './schedule.js';
import {
  CLOCK_CHANGES,
  DEFAULT_CLOCK_LIMITS,
  NODE_TARGETS,
  DEFAULT_PARTITION_TARGETS,
  PARTITION_TARGETS,
  type ClockChangeName,
  type NodeTargetName,
  type PartitionTargetName,
} from './targets.js';

export const FAULT_KINDS: readonly FaultKind[] = ['partition', 'kill', 'pause', 'clock'];

/** What --nemesis accepts, besides comma lists of fault kinds. */
export const NEMESIS_CHOICES: readonly string[] = ['none', ...FAULT_KINDS, 'all'];

/** Per-nemesis options, all optional; the defaults use every target. */
export interface NemesisOptions {
  partition?: Partial<PartitionOptions>;
  kill?: Partial<NodeFaultOptions>;
  pause?: Partial<NodeFaultOptions>;
  clock?: Partial<ClockOptions>;
}

export interface NemesisConfig {
  /** The --nemesis spec. */
  nemesis: string;
  /** Node names, "n1".."nN". */
  nodes: readonly string[];
  timing?: Partial<ScheduleTiming>;
  options?: NemesisOptions;
}

/** "none" -> [], "all" -> every kind, "partition,kill" -> those, in the order given, once each. */
export function parseNemesisSpec(spec: string, where = '--nemesis'): FaultKind[] {
  const hint = `choose one of ${NEMESIS_CHOICES.join(', ')}, or a comma list such as "partition,kill"`;
  const items = spec.split(',').map((item) => item.trim());
  if (items.length === 1 && items[0] === 'none') return [];
  if (items.length === 1 && items[0] === 'all') return [...FAULT_KINDS];
  const kinds: FaultKind[] = [];
  for (const item of items) {
    if (item === 'none' || item === 'all') throw new UsageError(`"${item}" cannot be combined with other nemeses in "${spec}"`, { where, hint });
    if (!(FAULT_KINDS as readonly string[]).includes(item)) {
      const what = item === '' ? `an empty nemesis name in "${spec}"` : `unknown nemesis "${item}"`;
      throw new UsageError(what, { where, hint });
    }
    if (!kinds.includes(item as FaultKind)) kinds.push(item as FaultKind);
  }
  return kinds;
}

function checkChoices<T extends string>(values: readonly T[] | undefined, choices: readonly T[], where: string): readonly T[] | undefined {
  if (values === undefined) return undefined;
  const hint = `choose from: ${choices.join(', ')}`;
  if (!Array.isArray(values) || values.length === 0) throw new UsageError('needs a non-empty list', { where, hint });
  for (const value of values) if (!choices.includes(value)) throw new UsageError(`unknown choice "${String(value)}"`, { where, hint });
  return values;
}

function checkNumber(value: number | undefined, fallback: number, where: string, minimum: number, maximum = Infinity): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < minimum || value > maximum) {
    throw new UsageError(`must be a number from ${minimum} to ${maximum}, got ${String(value)}`, { where });
  }
  return value;
}

function checkCustomGroups(groups: readonly string[][], nodes: readonly string[], where: string): void {
  const hint = `give two or more disjoint groups of the nodes ${nodes.join(', ')}, e.g. [["n1"],["n2","n3"]]`;
  if (!Array.isArray(groups) || groups.length < 2) throw new UsageError('custom partitions need two or more groups', { where, hint });
  const seen = new Set<string>();
  for (const group of groups) {
    if (!Array.isArray(group) || group.length === 0) throw new UsageError('a custom group is empty', { where, hint });
    for (const node of group) {
      if (!nodes.includes(node)) throw new UsageError(`no node "${String(node)}" in this cluster`, { where, hint });
      if (seen.has(node)) throw new UsageError(`node "${node}" is in two groups`, { where, hint });
      seen.add(node);
    }
  }
}

function partitionOptions(input: Partial<PartitionOptions> = {}, nodes: readonly string[]): PartitionOptions {
  const where = 'nemesis options: partition';
  if (nodes.length < 2) throw new UsageError('a partition needs at least 2 nodes', { where: '--nodes', hint: 'use --nodes 3 or more, or another nemesis' });
  const customGroups = input.customGroups ?? [];
  if (input.customGroups !== undefined) checkCustomGroups(input.customGroups, nodes, `${where}.customGroups`);
  // Custom groups given without targets mean "partition exactly like this".
  const fallback: readonly PartitionTargetName[] = input.customGroups !== undefined ? ['custom'] : DEFAULT_PARTITION_TARGETS;
  const targets = checkChoices(input.targets, PARTITION_TARGETS, `${where}.targets`) ?? fallback;
  if (targets.includes('custom') && input.customGroups === undefined) {
    throw new UsageError('the "custom" target needs customGroups', { where: `${where}.targets`, hint: 'add partition.customGroups, e.g. [["n1"],["n2","n3"]]' });
  }
  return { targets, customGroups };
}

function nodeFaultOptions(input: Partial<NodeFaultOptions> = {}, kind: 'kill' | 'pause'): NodeFaultOptions {
  return { targets: checkChoices<NodeTargetName>(input.targets, NODE_TARGETS, `nemesis options: ${kind}.targets`) ?? NODE_TARGETS };
}

function clockOptions(input: Partial<ClockOptions> = {}): ClockOptions {
  const where = 'nemesis options: clock';
  return {
    changes: checkChoices<ClockChangeName>(input.changes, CLOCK_CHANGES, `${where}.changes`) ?? CLOCK_CHANGES,
    maxBumpMs: checkNumber(input.maxBumpMs, DEFAULT_CLOCK_LIMITS.maxBumpMs, `${where}.maxBumpMs`, 1),
    maxDriftRatio: checkNumber(input.maxDriftRatio, DEFAULT_CLOCK_LIMITS.maxDriftRatio, `${where}.maxDriftRatio`, 0.0001, 0.99),
    maxStrobeMs: checkNumber(input.maxStrobeMs, DEFAULT_CLOCK_LIMITS.maxStrobeMs, `${where}.maxStrobeMs`, 1),
    maxStrobePeriodMs: checkNumber(input.maxStrobePeriodMs, DEFAULT_CLOCK_LIMITS.maxStrobePeriodMs, `${where}.maxStrobePeriodMs`, 1),
  };
}

/** The nemeses for these kinds, with validated options (UsageError otherwise). */
export function createNemeses(kinds: readonly FaultKind[], nodes: readonly string[], options: NemesisOptions = {}): Nemesis[] {
  return kinds.map((kind) => {
    switch (kind) {
      case 'partition':
        return partitionNemesis(partitionOptions(options.partition, nodes));
      case 'kill':
        return killNemesis(nodeFaultOptions(options.kill, 'kill'));
      case 'pause':
        return pauseNemesis(nodeFaultOptions(options.pause, 'pause'));
      case 'clock':
        return clockNemesis(clockOptions(options.clock));
    }
  });
}

/** Throws a UsageError naming the first fault the runtime cannot do, and what it can. */
export function checkAbilities(nemeses: readonly Nemesis[], abilities: ReadonlySet<FaultAbility>, runtime = 'this runtime'): void {
  const possible = FAULT_KINDS.filter((kind) => abilities.has(kind));
  for (const nemesis of nemeses) {
    const missing = nemesis.requires.filter((ability) => !abilities.has(ability));
    if (missing.length === 0) continue;
    const hint = possible.length === 0 ? `${runtime} can inject no faults: use --nemesis none` : `${runtime} can do: ${possible.join(', ')} (or use --nemesis none)`;
    throw new UsageError(`the ${nemesis.name} nemesis needs "${missing.join('", "')}", which ${runtime} cannot do`, { where: '--nemesis', hint });
  }
}

function timingOption(input: Partial<ScheduleTiming>): ScheduleTiming {
  const range = (name: 'faultMs' | 'quietMs', minimumMs: number): DurationRangeMs => {
    const value = input[name] ?? DEFAULT_TIMING[name];
    const whole = Number.isInteger(value.min) && Number.isInteger(value.max);
    if (!whole || value.min < minimumMs || value.max < value.min) {
      throw new UsageError(`needs whole milliseconds with ${minimumMs} <= min <= max, got ${JSON.stringify(value)}`, { where: `nemesis timing: ${name}` });
    }
    return { min: value.min, max: value.max };
  };
  const maxActiveFaults = checkNumber(input.maxActiveFaults, DEFAULT_TIMING.maxActiveFaults, 'nemesis timing: maxActiveFaults', 1, FAULT_KINDS.length);
  if (!Number.isInteger(maxActiveFaults)) throw new UsageError('must be a whole number', { where: 'nemesis timing: maxActiveFaults' });
  return { faultMs: range('faultMs', 1), quietMs: range('quietMs', 0), maxActiveFaults };
}

/**
 * The run's schedule from its config. Pass `abilities` (the runtime's) to
 * check them here; random is the run's nemesis stream (e.g. root.fork("nemesis")).
 */
export function createSchedule(config: NemesisConfig, random: SeededRandom, abilities?: ReadonlySet<FaultAbility>, runtime?: string): NemesisSchedule {
  const nemeses = createNemeses(parseNemesisSpec(config.nemesis), config.nodes, config.options);
  if (abilities !== undefined) checkAbilities(nemeses, abilities, runtime);
  return new NemesisSchedule(nemeses, random, timingOption(config.timing ?? {}));
}
