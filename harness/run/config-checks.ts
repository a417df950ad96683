/**
 * One rule per run option, applied to every layer that sets it (a config file
 * or the flags), so a wrong type or range names where it came from: the file
 * and its key (`c.json: "nodes" must be ...`) or the flag (`--nodes must be ...`).
 * Each rule returns the value the run uses (a lone bug name becomes a list of one).
 */
import { homedir } from 'node:os';
import path from 'node:path';
import type { RunConfig } from '../../common/run-config.js';
import { FaultlineError } from '../../common/errors.js';
import { SYSTEM_NAMES, systemNamed } from '../../clusters/index.js';
import { COMPOUND_LEADER_FAULTS, COMPOUND_SHAPES, DEFAULT_COMPOUND_SHAPE } from '../../nemesis/compound.js';
import { MAX_FIXED_RATE } from '../../nemesis/clock.js';
import { MAX_SCHEDULE_PHASES } from '../../nemesis/phased.js';
import { parseNemesisSpec } from '../../nemesis/spec.js';
import { parseHostAddress } from '../runtimes/ssh/index.js';

/** A layer's origin: a config file's path, or undefined for flags (and callers' own layers). */
export type LayerSource = string | undefined;

/** How a mistake names the option: `"nodes"` in the file `c.json`, or `--nodes`. */
export interface OptionPlace {
  name: string;
  file: LayerSource;
}

type Rule = (value: unknown, place: OptionPlace) => unknown;

/** Flag names that are not the option's key in kebab case. */
const FLAG_NAMES: Record<string, string> = { timeLimitSeconds: 'time-limit', warmupSeconds: 'warmup', recoverySeconds: 'recovery', bugs: 'bug' };

export function placeOf(key: string, file: LayerSource): OptionPlace {
  const flag = FLAG_NAMES[key] ?? key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
  return { name: file === undefined ? `--${flag}` : `"${key}"`, file };
}

/** The one error every rule throws: E_CONFIG with the file as where, E_USAGE for a flag. */
export function optionError(place: OptionPlace, message: string, hint?: string): FaultlineError {
  const details = { ...(place.file === undefined ? {} : { where: place.file }), ...(hint === undefined ? {} : { hint }) };
  return new FaultlineError(place.file === undefined ? 'E_USAGE' : 'E_CONFIG', `${place.name} ${message}`, details);
}

/** A value as the user wrote it: strings quoted, so "three" is not mistaken for a number. */
export function shown(value: unknown): string {
  if (typeof value === 'number' && Number.isNaN(value)) return 'something that is not a number';
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export function choice(choices: readonly string[]): Rule {
  return (value, place) => {
    if (typeof value === 'string' && choices.includes(value)) return value;
    throw optionError(place, `must be one of ${choices.join(', ')}; got ${shown(value)}`);
  };
}

export function numberFrom(minimum: number, maximum: number, integer: boolean): Rule {
  return (value, place) => {
    const ok = typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isInteger(value));
    if (ok && value >= minimum && value <= maximum) return value;
    throw optionError(place, `must be ${integer ? 'an integer' : 'a number'} from ${minimum} to ${maximum}, got ${shown(value)}`);
  };
}

export function text(value: unknown, place: OptionPlace): string {
  if (typeof value === 'string' && value.trim() !== '') return value;
  throw optionError(place, `must be a non-empty string, got ${shown(value)}`);
}

export function nemesisSpec(value: unknown, place: OptionPlace): string {
  if (typeof value !== 'string') throw optionError(place, `must be a string such as "partition" or "partition,kill", got ${shown(value)}`);
  try {
    parseNemesisSpec(value, place.file === undefined ? place.name : `${place.file}: ${place.name}`);
  } catch (error) {
    if (place.file !== undefined && error instanceof FaultlineError) throw new FaultlineError('E_CONFIG', error.message, { where: error.where, hint: error.hint });
    throw error;
  }
  return value;
}

/** One bug name or a list of them; a lone string is one bug, never read letter by letter. */
export function bugList(value: unknown, place: OptionPlace): string[] {
  const names = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(names) || names.some((name) => typeof name !== 'string')) {
    throw optionError(place, `must be a bug name or a list of bug names, got ${shown(value)}`, 'faultline bugs lists them');
  }
  // Which system has which bug is the fit check's; here a name no system knows is a typo.
  const known = [...new Set(SYSTEM_NAMES.flatMap((system) => systemNamed(system).bugs))];
  for (const name of names as string[]) {
    if (!known.includes(name)) throw optionError(place, `names an unknown bug "${name}"`, `choose from: ${known.join(', ')}`);
  }
  return names as string[];
}

/** Fewer nodes than this cannot keep a majority through a fault. */
export const MINIMUM_NODES_WITH_FAULTS = 3;

/** With faults on, 1 or 2 nodes have no majority left to survive any fault: the run would only show that. */
export function checkQuorumSurvivesFaults(nodes: number, nemesis: string, nodesPlace: OptionPlace): void {
  if (nemesis === 'none' || nodes >= MINIMUM_NODES_WITH_FAULTS) return;
  const majority = Math.floor(nodes / 2) + 1;
  throw optionError(
    nodesPlace,
    `is ${nodes}, which cannot survive any fault: a majority of ${nodes} is ${majority}, so a fault on any node (nemesis ${nemesis}) leaves no quorum, and the cluster can only stop`,
    nodesPlace.file === undefined
      ? `use --nodes ${MINIMUM_NODES_WITH_FAULTS} or more, or --nemesis none to run ${nodes} without faults`
      : `set "nodes" to ${MINIMUM_NODES_WITH_FAULTS} or more, or "nemesis" to "none" to run ${nodes} without faults`,
  );
}

/** faultTiming: { faultMs: { min, max }, quietMs: { min, max } } in whole milliseconds, min <= max. */
export function faultTiming(value: unknown, place: OptionPlace): unknown {
  const hint = 'e.g. { "faultMs": { "min": 1000, "max": 5000 }, "quietMs": { "min": 500, "max": 3000 } }';
  const record = value as Record<string, unknown> | null;
  if (record === null || typeof record !== 'object' || Array.isArray(record)) throw optionError(place, `must be an object, got ${shown(value)}`, hint);
  const extra = Object.keys(record).filter((key) => key !== 'faultMs' && key !== 'quietMs');
  if (extra.length > 0) throw optionError(place, `has unknown field "${extra[0]}"`, hint);
  const range = (name: 'faultMs' | 'quietMs', minimumMs: number): { min: number; max: number } => {
    const given = record[name] as { min?: unknown; max?: unknown } | undefined;
    const { min, max } = given ?? {};
    const whole = typeof min === 'number' && typeof max === 'number' && Number.isInteger(min) && Number.isInteger(max);
    if (!whole || min < minimumMs || max < min || max > 3_600_000) throw optionError(place, `${name} needs whole milliseconds with ${minimumMs} <= min <= max <= 3600000`, hint);
    return { min, max };
  };
  return { faultMs: range('faultMs', 1), quietMs: range('quietMs', 0) };
}

export function flag(value: unknown, place: OptionPlace): boolean {
  if (typeof value === 'boolean') return value;
  throw optionError(place, `must be true or false, got ${shown(value)}`);
}

/** ssh hosts: "user@host[:port]" each, as a list or one comma-separated string. */
export function sshHostList(value: unknown, place: OptionPlace): string[] {
  const hint = 'e.g. "root@10.0.0.1,root@10.0.0.2,admin@node3:2222" (scripts/ssh-test-hosts.sh up 3 prints local ones)';
  const hosts = typeof value === 'string' ? value.split(',').map((host) => host.trim()) : value;
  if (!Array.isArray(hosts) || hosts.length === 0 || hosts.some((host) => typeof host !== 'string')) throw optionError(place, `must be user@host[:port] names, got ${shown(value)}`, hint);
  for (const host of hosts as string[]) {
    const parsed = parseHostAddress(host);
    if (typeof parsed === 'string') throw optionError(place, `names ${parsed}`, hint);
  }
  return hosts as string[];
}

/** On the ssh runtime: one host per node, and the known_hosts file and the acceptance of new keys written out for the record. */
export function checkSshHosts(config: RunConfig, hostsPlace: OptionPlace): void {
  if (config.runtime !== 'ssh') return;
  const hosts = config.sshHosts ?? [];
  if (hosts.length !== config.nodes) {
    throw optionError(hostsPlace, `names ${hosts.length} host(s) for ${config.nodes} nodes: the ssh runtime runs one node per host`, 'give one user@host[:port] per node, in node order, or change --nodes');
  }
  config.sshKnownHosts ??= path.join(homedir(), '.ssh', 'known_hosts');
  config.sshAcceptNewHostKeys ??= false;
}

/** Swarm phases' shape; their kinds and options are checked once the run's nemesis and nodes are known (swarm.ts checkSwarmPhases). */
export function swarmPhaseList(value: unknown, place: OptionPlace): unknown {
  const example = 'e.g. [{ "durationMs": 10000, "nemesis": "partition", "maxActiveFaults": 1, "nemesisOptions": {} }]';
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_SCHEDULE_PHASES) throw optionError(place, `must be a list of 1 to ${MAX_SCHEDULE_PHASES} phases, ${example}`);
  for (const phase of value as unknown[]) {
    const entry = (phase ?? {}) as Record<string, unknown>;
    const whole = (number: unknown, minimum: number, maximum: number): boolean => typeof number === 'number' && Number.isInteger(number) && number >= minimum && number <= maximum;
    const options = entry.nemesisOptions;
    const ok = whole(entry.durationMs, 1, Number.MAX_SAFE_INTEGER) && typeof entry.nemesis === 'string' && whole(entry.maxActiveFaults, 1, 3) && options !== null && typeof options === 'object' && !Array.isArray(options);
    const compoundOk = entry.compound === undefined || (COMPOUND_LEADER_FAULTS as readonly unknown[]).includes(entry.compound);
    const shapeOk = entry.compoundShape === undefined || (entry.compound !== undefined && (COMPOUND_SHAPES as readonly unknown[]).includes(entry.compoundShape));
    const rate = entry.staleClockRate;
    // Above 1: a slow stale side would stand last, and a slow clock stretches its leases.
    const rateOk = rate === undefined || (entry.compound !== undefined && typeof rate === 'number' && rate > 1 && rate <= MAX_FIXED_RATE);
    // Only a stale follower's compound relapses: a leader cut's old leader is left to stand.
    const staleFollower = entry.compound !== undefined && (entry.compoundShape ?? DEFAULT_COMPOUND_SHAPE) === 'stale-follower';
    const relapseOk = entry.compoundRelapse === undefined || (staleFollower && (COMPOUND_LEADER_FAULTS as readonly unknown[]).includes(entry.compoundRelapse));
    if (!ok || !compoundOk || !shapeOk || !rateOk || !relapseOk) {
      const optional =
        `compound (optional: ${COMPOUND_LEADER_FAULTS.join(' or ')}), compoundShape (optional, with a compound: ${COMPOUND_SHAPES.join(' or ')}), ` +
        `staleClockRate (optional, with a compound: a rate above 1, at most ${MAX_FIXED_RATE}), compoundRelapse (optional, with a stale-follower compound: ${COMPOUND_LEADER_FAULTS.join(' or ')})`;
      throw optionError(place, `has a phase that is not { durationMs, nemesis, maxActiveFaults (1 to 3), nemesisOptions, ${optional} }: ${JSON.stringify(phase)}`, example);
    }
  }
  return value;
}
