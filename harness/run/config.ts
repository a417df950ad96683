/**
 * The RunConfig: one plain, serializable, fully resolved object that every
 * stage of a run reads. CLI flags override a config file, which overrides the
 * defaults; the result is validated once, here, with one clear message per
 * mistake.
 */
import { readFileSync } from 'node:fs';
import { FaultlineError, UsageError } from '../../common/errors.js';
import { BUG_MODES } from '../../clusters/coordinator/bugs.js';

export const SYSTEMS = ['coordinator-zab', 'coordinator-raft'] as const;
export const RUNTIMES = ['sim', 'docker', 'local'] as const;
export const WORKLOADS = ['register', 'lock', 'lock-fencing', 'sequence'] as const;

export type SystemName = (typeof SYSTEMS)[number];
export type RuntimeChoice = (typeof RUNTIMES)[number];
export type WorkloadChoice = (typeof WORKLOADS)[number];
export const READ_MODES = ['linearizable', 'sequential', 'lease'] as const;
export type ReadModeChoice = (typeof READ_MODES)[number];

export interface RunConfig {
  /** faultline's version, for the record. */
  version: string;
  system: SystemName;
  runtime: RuntimeChoice;
  workload: WorkloadChoice;
  /** none, partition, kill, pause, clock, all, or a comma list. */
  nemesis: string;
  nodes: number;
  /** Worker processes. */
  concurrency: number;
  /** Operations per second, all workers together. */
  rate: number;
  /** Seconds of workload with faults, before heal and recovery. */
  timeLimitSeconds: number;
  /** Seconds without faults before the first fault. */
  warmupSeconds: number;
  /** Seconds after heal before the final reads. */
  recoverySeconds: number;
  /** Independent keys the workload spreads over. */
  keys: number;
  seed: number;
  bugs: string[];
  /** How the coordinator serves register reads: linearizable, sequential (stale allowed) or lease. */
  readMode: ReadModeChoice;
  /** Faults on at once (each on its own resource: network, process, clock). */
  maxActiveFaults: number;
  /** Directory that holds run directories. */
  out: string;
  /** Docker runtime: the node image; faultline builds faultline-node:local itself when it is missing. */
  image: string;
}

export const DEFAULTS: Omit<RunConfig, 'version' | 'seed'> = {
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
  readMode: 'linearizable',
  maxActiveFaults: 1,
  out: 'runs',
  image: 'faultline-node:local',
};

/** Upper bounds that keep one run finite and its history readable. */
export const LIMITS = { nodes: 9, concurrency: 200, rate: 10_000, timeLimitSeconds: 3600, keys: 10_000 } as const;

/** Reads a JSON config file of RunConfig fields; unknown fields are mistakes. */
export function readConfigFile(file: string): Partial<RunConfig> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new FaultlineError('E_CONFIG', 'config file not found or unreadable', { where: file, hint: 'check the path given to --config' });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new FaultlineError('E_CONFIG', `config file is not valid JSON (${(error as Error).message})`, { where: file });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new FaultlineError('E_CONFIG', 'a config file holds one JSON object of run options', { where: file });
  }
  const known = new Set([...Object.keys(DEFAULTS), 'seed']);
  for (const key of Object.keys(parsed)) {
    if (!known.has(key)) {
      throw new FaultlineError('E_CONFIG', `unknown option "${key}"`, { where: file, hint: `options are: ${[...known].join(', ')}` });
    }
  }
  return parsed as Partial<RunConfig>;
}

/** Merges defaults, file and flags, and validates the result. */
export function resolveConfig(version: string, seed: number, ...layers: Partial<RunConfig>[]): RunConfig {
  const config: RunConfig = { ...DEFAULTS, version, seed };
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) if (value !== undefined) (config as unknown as Record<string, unknown>)[key] = value;
  }
  validate(config);
  return config;
}

function oneOf(name: string, value: unknown, choices: readonly string[]): void {
  if (!choices.includes(value as string)) {
    throw new UsageError(`unknown ${name} "${String(value)}"`, { where: `--${name}`, hint: `choose one of: ${choices.join(', ')}` });
  }
}

function bounded(name: string, value: number, minimum: number, maximum: number, integer = true): void {
  const ok = typeof value === 'number' && Number.isFinite(value) && (!integer || Number.isInteger(value));
  if (!ok || value < minimum || value > maximum) {
    const kind = integer ? 'a whole number' : 'a number';
    throw new UsageError(`--${name} must be ${kind} from ${minimum} to ${maximum}, got ${String(value)}`, { where: `--${name}` });
  }
}

function validate(config: RunConfig): void {
  oneOf('system', config.system, SYSTEMS);
  oneOf('runtime', config.runtime, RUNTIMES);
  oneOf('workload', config.workload, WORKLOADS);
  bounded('nodes', config.nodes, 1, LIMITS.nodes);
  bounded('concurrency', config.concurrency, 1, LIMITS.concurrency);
  bounded('rate', config.rate, 0.1, LIMITS.rate, false);
  bounded('time-limit', config.timeLimitSeconds, 1, LIMITS.timeLimitSeconds, false);
  bounded('warmup', config.warmupSeconds, 0, LIMITS.timeLimitSeconds, false);
  bounded('recovery', config.recoverySeconds, 0, LIMITS.timeLimitSeconds, false);
  bounded('keys', config.keys, 1, LIMITS.keys);
  bounded('seed', config.seed, 0, Number.MAX_SAFE_INTEGER);
  oneOf('read-mode', config.readMode, READ_MODES);
  bounded('max-active-faults', config.maxActiveFaults, 1, 3);
  const bugNames = BUG_MODES.map((bug) => bug.name);
  for (const bug of config.bugs) oneOf('bug', bug, bugNames);
}
