/**
 * Resolving the RunConfig (its shape is common/run-config.ts): CLI flags
 * override a config file, which overrides the defaults; the result is
 * validated once, here, with one clear message per mistake.
 */
import { readFileSync } from 'node:fs';
import type { RunConfig } from '../../common/run-config.js';
import { FaultlineError } from '../../common/errors.js';
import { fitProblems, SYSTEM_NAMES, systemNamed } from '../../clusters/index.js';
import { checkSchedule } from '../../nemesis/scripted-checks.js';
import { nemesisOfSchedule } from '../../nemesis/scripted.js';
import { createNemeses, parseNemesisSpec, type NemesisOptions } from '../../nemesis/spec.js';
import { checkSwarmPhases, swarmDraw } from './swarm.js';
import { nodeNames } from './streams.js';
import { WORKLOAD_NAMES } from '../../workloads/index.js';
import { RUNTIME_NAMES, runtimeNamed } from '../runtimes/index.js';
import { bugList, checkQuorumSurvivesFaults, choice, faultTiming, MINIMUM_NODES_WITH_FAULTS, nemesisSpec, numberFrom, optionError, placeOf, text, type LayerSource, type OptionPlace } from './config-checks.js';
import { checkSshHosts, flag, sshHostList, swarmPhaseList } from './config-checks.js';

export type { FaultTiming, ReadModeChoice, RunConfig, RuntimeChoice, SystemName, WorkloadChoice } from '../../common/run-config.js';
export { RUNTIME_NAMES, SYSTEM_NAMES };

/** The read mode and fault timing default to the system's first read mode and the runtime's own timing. */
export const DEFAULTS: Omit<RunConfig, 'version' | 'seed' | 'faultTiming' | 'readMode'> = {
  system: 'coordinator-raft',
  runtime: 'sim',
  workload: 'register',
  nemesis: 'partition',
  nodes: 3,
  concurrency: 10,
  rate: 100,
  timeLimitSeconds: 30,
  warmupSeconds: 2,
  recoverySeconds: 5,
  keys: 5,
  bugs: [],
  maxActiveFaults: 1,
  out: 'runs',
  image: 'faultline-node:local',
};

/** Upper bounds that keep one run finite and its history readable. */
export const LIMITS = { nodes: 9, concurrency: 200, rate: 10_000, timeLimitSeconds: 3600, keys: 10_000 } as const;

type OptionKey = keyof Omit<RunConfig, 'version' | 'versions' | 'faultSchedule' | 'shrunkFrom'>;

/** Every option's rule, for the config file and the flags alike. */
const RULES: Record<OptionKey, (value: unknown, place: OptionPlace) => unknown> = {
  system: choice(SYSTEM_NAMES),
  runtime: choice(RUNTIME_NAMES),
  workload: choice(WORKLOAD_NAMES),
  nemesis: nemesisSpec,
  nodes: nodeCount,
  concurrency: numberFrom(1, LIMITS.concurrency, true),
  rate: numberFrom(0.1, LIMITS.rate, false),
  timeLimitSeconds: numberFrom(1, LIMITS.timeLimitSeconds, false),
  warmupSeconds: numberFrom(0, LIMITS.timeLimitSeconds, false),
  recoverySeconds: numberFrom(0, LIMITS.timeLimitSeconds, false),
  keys: numberFrom(1, LIMITS.keys, true),
  seed: numberFrom(0, Number.MAX_SAFE_INTEGER, true),
  bugs: bugList,
  readMode: text,
  maxActiveFaults: numberFrom(1, 3, true),
  sessionTimeoutMs: numberFrom(1000, 60_000, true),
  out: text,
  image: text,
  faultTiming,
  install: text,
  schedule: scheduleList,
  swarm: (value, place) => {
    if (typeof value === 'boolean' || value === 'drawn') return value;
    throw optionError(place, `must be true or false, got ${JSON.stringify(value)}`);
  },
  swarmPhases: swarmPhaseList,
  nemesisOptions: (value, place) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value;
    throw optionError(place, 'must be an object such as { "partition": { "targets": ["halves"] }, "clock": { "maxBumpMs": 1000 } }');
  },
  sshHosts: sshHostList,
  sshKey: text,
  sshKnownHosts: text,
  sshAcceptNewHostKeys: flag,
};

/** A run's recorded facts in its config.json, not options: a run's config file may be given back with --config. */
const RECORDED_FIELDS = ['version', 'versions', 'faultSchedule', 'shrunkFrom'];

/** The entries are checked once the run's nodes and phases are known (resolveConfig). */
function scheduleList(value: unknown, place: OptionPlace): unknown {
  if (Array.isArray(value)) return value;
  throw optionError(place, 'must be a list of faults, e.g. [{ "atMs": 5000, "kind": "kill", "durationMs": 3000, "value": { "nodes": ["n1"] } }]');
}

/** The range shown says 3 with faults (the default); 1 and 2 pass here and meet checkQuorumSurvivesFaults with a reason. */
function nodeCount(value: unknown, place: OptionPlace): unknown {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= LIMITS.nodes) return value;
  return numberFrom(MINIMUM_NODES_WITH_FAULTS, LIMITS.nodes, true)(value, place);
}

/** Which file each layer read by readConfigFile came from, so later checks can name it. */
const LAYER_FILES = new WeakMap<object, string>();

/** Reads a JSON config file of RunConfig fields and checks each one; unknown fields are mistakes. */
export function readConfigFile(file: string): Partial<RunConfig> {
  let contents: string;
  try {
    contents = readFileSync(file, 'utf8');
  } catch {
    throw new FaultlineError('E_CONFIG', 'config file not found or unreadable', { where: file, hint: 'check the path given to --config' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(contents);
  } catch (error) {
    throw new FaultlineError('E_CONFIG', `config file is not valid JSON (${(error as Error).message})`, { where: file });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new FaultlineError('E_CONFIG', 'a config file holds one JSON object of run options', { where: file });
  }
  const known = Object.keys(RULES);
  for (const key of RECORDED_FIELDS) delete (parsed as Record<string, unknown>)[key];
  for (const key of Object.keys(parsed)) {
    if (!known.includes(key)) {
      throw new FaultlineError('E_CONFIG', `unknown option "${key}"`, { where: file, hint: `options are: ${known.join(', ')}` });
    }
  }
  const layer = checkedLayer(parsed as Record<string, unknown>, file);
  LAYER_FILES.set(layer, file);
  return layer;
}

/** Each option of one layer through its rule; undefined means "not set here". */
function checkedLayer(layer: Record<string, unknown>, file: LayerSource): Partial<RunConfig> {
  const checked: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(layer)) {
    if (value === undefined) continue;
    const rule = RULES[key as OptionKey];
    checked[key] = rule === undefined ? value : rule(value, placeOf(key, file));
  }
  return checked as Partial<RunConfig>;
}

/** Merges defaults, file and flags, checking each layer's options, then how they combine. */
export function resolveConfig(version: string, seed: number, ...layers: Partial<RunConfig>[]): RunConfig {
  const config = { ...DEFAULTS, version, seed } as RunConfig;
  const sources = new Map<string, LayerSource>();
  for (const layer of layers) {
    const file = LAYER_FILES.get(layer);
    for (const [key, value] of Object.entries(checkedLayer(layer, file))) {
      (config as unknown as Record<string, unknown>)[key] = value;
      sources.set(key, file);
    }
  }
  RULES.seed(seed, placeOf('seed', undefined));
  const runtime = runtimeNamed(config.runtime);
  config.readMode ??= (systemNamed(config.system).readModes[0] as { name: string }).name;
  config.faultTiming ??= structuredClone(runtime.faultTiming);
  if (config.schedule !== undefined) useSchedule(config, sources);
  if (config.swarm === true) {
    if (config.schedule !== undefined) throw new FaultlineError('E_USAGE', 'a run with a schedule runs exactly its faults: it cannot also draw them (--swarm)', { hint: 'leave out the schedule or --swarm' });
    const drawn = swarmDraw(config);
    delete config.nemesisOptions;
    Object.assign(config, drawn);
  }
  checkSwarmPhases(config, placeOf('swarmPhases', sources.get('swarmPhases')).name);
  // Nemesis options are checked as the schedule will build them, before anything boots.
  if (config.nemesisOptions !== undefined) createNemeses(parseNemesisSpec(config.nemesis), nodeNames(config.nodes), config.nemesisOptions as NemesisOptions);
  checkQuorumSurvivesFaults(config.nodes, config.nemesis, placeOf('nodes', sources.get('nodes')));
  checkSshHosts(config, placeOf('sshHosts', sources.get('sshHosts')));
  checkFit(config, sources);
  return config;
}

/** A schedule given as data replaces the generated one: its entries are checked against the run, and `nemesis` names the kinds it uses. */
function useSchedule(config: RunConfig, sources: Map<string, LayerSource>): void {
  const file = sources.get('schedule');
  const window = { nodes: nodeNames(config.nodes), fromMs: config.warmupSeconds * 1000, untilMs: (config.warmupSeconds + config.timeLimitSeconds) * 1000 };
  try {
    config.schedule = checkSchedule(config.schedule, window, file === undefined ? 'schedule' : `${file}: "schedule"`);
  } catch (error) {
    if (file !== undefined && error instanceof FaultlineError) throw new FaultlineError('E_CONFIG', error.message, { where: error.where, hint: error.hint });
    throw error;
  }
  const nemesis = nemesisOfSchedule(config.schedule!);
  if (sources.has('nemesis') && config.nemesis !== nemesis) {
    throw new FaultlineError(file === undefined ? 'E_USAGE' : 'E_CONFIG', `the run has a schedule (faults ${nemesis}) and a nemesis "${config.nemesis}": give one or the other`, { ...(file === undefined ? {} : { where: file }), hint: 'a schedule runs exactly its faults; leave out the nemesis' });
  }
  config.nemesis = nemesis;
}

/** A system, runtime, workload, read mode, fault or bug that does not fit the others is refused before anything boots. */
function checkFit(config: RunConfig, sources: Map<string, LayerSource>): void {
  const problems = fitProblems(systemNamed(config.system), {
    runtime: runtimeNamed(config.runtime),
    workload: config.workload,
    readMode: config.readMode,
    faults: parseNemesisSpec(config.nemesis),
    bugs: config.bugs,
  });
  if (problems.length === 0) return;
  const file = [...sources.values()].find((source) => source !== undefined);
  const hint = 'faultline systems lists each system with the runtimes, workloads, read modes and faults it supports';
  throw new FaultlineError(file === undefined ? 'E_USAGE' : 'E_CONFIG', `the run's options do not fit together: ${problems.join('; ')}`, { ...(file === undefined ? {} : { where: file }), hint });
}
