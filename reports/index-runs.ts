/**
 * Stored runs as the index page and JUnit XML see them: each run directory's
 * config.json and results.json read defensively (a run interrupted before its
 * checks has no results.json and shows as incomplete), and the run
 * directories under a folder found, newest first. Reads files only: reports
 * import nothing from the harness.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import type { Verdict } from '../checkers/checker.js';
import { READ_PROMISES, type ReadPromise } from '../checkers/read-promises/index.js';
import type { LooseRunConfig } from './report-types.js';

/** The fields of a run's config.json this page uses ('?' when missing). */
export type StoredConfig = Required<Pick<LooseRunConfig, 'system' | 'workload' | 'nemesis' | 'seed' | 'runtime' | 'bugs'>> & Pick<LooseRunConfig, 'timeLimitSeconds'>;

/** One checker's entry in results.json, as far as the page needs it. */
export interface StoredChecker {
  valid: Verdict;
  sentence?: string;
  reason?: string;
  /** Set when the property judged is stronger than the run's read mode promises: not counted. */
  expectedUnder?: ReadPromise;
  stats: Record<string, unknown>;
  /** The whole entry, for checker-specific figures (perf). */
  raw: Record<string, unknown>;
}

export interface StoredResults {
  valid: Verdict;
  ops: number;
  incomplete?: string;
  checkers: Record<string, StoredChecker>;
}

export interface StoredRun {
  /** Absolute path of the run directory. */
  directory: string;
  id: string;
  /** When the run started, from its id (or config.json's time): ISO text, for sorting and showing. */
  startedAt: string;
  config?: StoredConfig;
  results?: StoredResults;
  /** Why the run is incomplete or unreadable; set whenever results is absent. */
  problem?: string;
  /** Wall-clock seconds from config.json to results.json being written. */
  wallSeconds?: number;
  /** True when the run directory holds report.html. */
  hasReport: boolean;
}

const CONFIG_FILE = 'config.json';
const RESULTS_FILE = 'results.json';
export const REPORT_FILE = 'report.html';
/** Bound on runs one page or XML file lists. */
export const MAX_LISTED_RUNS = 5000;

/** A relative link from a page in pageDirectory to the run's report (or its folder), each path segment URL-encoded. */
export function runLink(pageDirectory: string, run: StoredRun): string {
  const path = relative(pageDirectory, run.directory).split(sep).map(encodeURIComponent).join('/');
  return run.hasReport ? `${path}/${REPORT_FILE}` : `${path}/`;
}

/** A run's verdict for tables and exit codes: a run with no results is unknown. */
export function runVerdict(run: StoredRun): Verdict {
  return run.results?.valid ?? 'unknown';
}

function readJson(file: string): { value?: unknown; problem?: string } {
  if (!existsSync(file)) return { problem: 'missing' };
  try {
    return { value: JSON.parse(readFileSync(file, 'utf8')) as unknown };
  } catch (error) {
    return { problem: `unreadable (${(error as Error).message})` };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asVerdict(value: unknown): Verdict {
  return value === true || value === false ? value : 'unknown';
}

function optionalText(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

function parseConfig(value: unknown): StoredConfig | undefined {
  if (!isRecord(value)) return undefined;
  return {
    system: String(value.system ?? '?'),
    workload: String(value.workload ?? '?'),
    nemesis: String(value.nemesis ?? '?'),
    seed: typeof value.seed === 'number' ? value.seed : Number.NaN,
    runtime: String(value.runtime ?? '?'),
    bugs: Array.isArray(value.bugs) ? value.bugs.map(String) : [],
    ...(typeof value.timeLimitSeconds === 'number' ? { timeLimitSeconds: value.timeLimitSeconds } : {}),
  };
}

function parseResults(value: unknown): StoredResults | undefined {
  if (!isRecord(value) || !isRecord(value.checkers)) return undefined;
  const checkers: Record<string, StoredChecker> = {};
  for (const [name, entry] of Object.entries(value.checkers)) {
    if (!isRecord(entry)) continue;
    const sentence = optionalText(entry.sentence);
    const reason = optionalText(entry.reason);
    const expectedUnder = READ_PROMISES.find((promise) => promise === entry.expectedUnder);
    checkers[name] = {
      ...(expectedUnder === undefined ? {} : { expectedUnder }),
      valid: asVerdict(entry.valid),
      ...(sentence === undefined ? {} : { sentence }),
      ...(reason === undefined ? {} : { reason }),
      stats: isRecord(entry.stats) ? entry.stats : {},
      raw: entry,
    };
  }
  const incomplete = optionalText(value.incomplete);
  const ops = typeof value.ops === 'number' ? value.ops : 0;
  return { valid: asVerdict(value.valid), ops, checkers, ...(incomplete === undefined ? {} : { incomplete }) };
}

/** "20261122T130455Z-..." -> "2026-11-22T13:04:55Z"; undefined when the id does not start so. */
function timeFromId(id: string): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z/.exec(id);
  return match === null ? undefined : `${match[1]}-${match[2]}-${match[3]}T${match[4]}:${match[5]}:${match[6]}Z`;
}

function modifiedMs(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

/** Reads one run directory; never throws for a missing or malformed file. */
export function loadStoredRun(directory: string): StoredRun {
  const path = resolve(directory);
  const id = basename(path);
  const config = readJson(join(path, CONFIG_FILE));
  const results = readJson(join(path, RESULTS_FILE));
  const configMs = modifiedMs(join(path, CONFIG_FILE));
  const resultsMs = modifiedMs(join(path, RESULTS_FILE));
  const run: StoredRun = {
    directory: path,
    id,
    startedAt: timeFromId(id) ?? new Date(configMs ?? 0).toISOString().replace(/\.\d+Z$/, 'Z'),
    hasReport: existsSync(join(path, REPORT_FILE)),
  };
  const parsedConfig = parseConfig(config.value);
  if (parsedConfig !== undefined) run.config = parsedConfig;
  const parsedResults = parseResults(results.value);
  if (parsedResults !== undefined) run.results = parsedResults;
  if (parsedConfig === undefined) run.problem = `config.json is ${config.problem ?? 'not a run config'}`;
  else if (parsedResults === undefined) {
    run.problem = results.problem === 'missing'
      ? 'no results.json: the run was interrupted before its checks, or is still running'
      : `results.json is ${results.problem ?? 'not a results object'}`;
  }
  if (configMs !== undefined && resultsMs !== undefined) run.wallSeconds = Math.max(0, (resultsMs - configMs) / 1000);
  return run;
}

function isRunDirectory(path: string): boolean {
  return existsSync(join(path, CONFIG_FILE));
}

/**
 * Run directories under root, newest first: its children that hold a
 * config.json, and the runs one level further down (compare-<utc>/<run>),
 * so one page covers plain runs and comparisons. Symbolic links (runs/latest)
 * are skipped so no run is listed twice.
 */
export function findRunDirectories(root: string): string[] {
  const found: string[] = [];
  const visit = (directory: string, depth: number): void => {
    for (const entry of readdirSync(directory).sort()) {
      const path = join(directory, entry);
      const stat = lstatSync(path);
      if (stat.isSymbolicLink() || !stat.isDirectory()) continue;
      if (isRunDirectory(path)) found.push(path);
      else if (depth < 1) visit(path, depth + 1);
    }
  };
  // A single run directory given as the folder is a page of one run.
  if (isRunDirectory(root)) return [resolve(root)];
  visit(resolve(root), 0);
  return found;
}

/** Loads runs and orders them newest first (ties by id, so the order is stable). */
export function loadStoredRuns(directories: readonly string[], maxRuns = MAX_LISTED_RUNS): StoredRun[] {
  // Ids start with the UTC start time, so the newest come first before the bound cuts the list.
  const newestFirst = [...directories].sort((left, right) => basename(right).localeCompare(basename(left)));
  return sortNewestFirst(newestFirst.slice(0, maxRuns).map(loadStoredRun));
}

/** Newest first, ties by id, so the order is stable; sorts in place and returns the array. */
export function sortNewestFirst(runs: StoredRun[]): StoredRun[] {
  return runs.sort((left, right) => right.startedAt.localeCompare(left.startedAt) || right.id.localeCompare(left.id));
}
