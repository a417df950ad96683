/**
 * Reads a run directory for the report, by the file names of DESIGN.md.
 * Only a missing or unusable config.json is an error (it is not a run
 * directory then); any other missing or broken file becomes a problem the
 * report states, so a run cut short still gets a report.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FinalStates, RoleSample } from '../checkers/checker.js';
import { FaultlineError, isFaultlineError } from '../common/errors.js';
import { parseExactEvent, readHistory, type HistoryEvent } from '../common/history/index.js';
import type { RunFiles, StoredConfig, StoredResults } from './report-types.js';

export const RUN_FILES = {
  config: 'config.json',
  history: 'history.jsonl',
  results: 'results.json',
  roles: 'roles.jsonl',
  trace: 'trace.json',
  finalStates: 'final-states.json',
  report: 'report.html',
} as const;

/** Histories past this many events are read up to it: the report says so and draws what it read. */
export const MAX_HISTORY_EVENTS = 5_000_000;
/** Role samples kept; roles.jsonl of a long run is sampled every 100 ms per node. */
export const MAX_ROLE_SAMPLES = 500_000;

function inputError(message: string, directory: string, hint: string): FaultlineError {
  return new FaultlineError('E_INPUT', message, { where: directory, hint });
}

function readConfig(directory: string): StoredConfig {
  if (!existsSync(directory)) {
    throw inputError('run directory not found', directory, 'pass a directory made by faultline test, e.g. runs/latest');
  }
  if (!statSync(directory).isDirectory()) {
    throw inputError('not a run directory: it is a file', directory, 'pass the run directory, not a file in it');
  }
  const file = join(directory, RUN_FILES.config);
  if (!existsSync(file)) {
    throw inputError('not a run directory: it has no config.json', directory, 'pass a directory made by faultline test, e.g. runs/latest');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw inputError(`config.json is not valid JSON (${(error as Error).message})`, directory, 'the run directory is damaged; run the test again');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw inputError('config.json does not hold a run configuration object', directory, 'the run directory is damaged; run the test again');
  }
  return parsed as StoredConfig;
}

function readJson<T>(directory: string, name: string, problems: string[]): T | undefined {
  const file = join(directory, name);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (error) {
    problems.push(`${name} is unreadable (${(error as Error).message})`);
    return undefined;
  }
}

async function readEvents(directory: string, problems: string[]): Promise<HistoryEvent[]> {
  const file = join(directory, RUN_FILES.history);
  const events: HistoryEvent[] = [];
  if (!existsSync(file)) {
    problems.push('history.jsonl is missing: the run recorded no operations');
    return events;
  }
  try {
    for await (const event of readHistory(file, { format: 'jsonl', maxEvents: MAX_HISTORY_EVENTS })) events.push(event);
    return events;
  } catch (error) {
    // The reader works in batches and drops the one that failed: take the lines before the bad one.
    const kept = eventsBeforeFirstBadLine(file);
    const what = isFaultlineError(error) ? error.describe() : (error as Error).message;
    problems.push(`history.jsonl could not be read to the end, so the report shows its first ${kept.length} events: ${what}`);
    return kept;
  }
}

function eventsBeforeFirstBadLine(file: string): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (events.length >= MAX_HISTORY_EVENTS) break;
    if (line.trim() === '') continue;
    try {
      const event = parseExactEvent(line) as HistoryEvent;
      if (event === null || typeof event !== 'object' || typeof event.type !== 'string' || typeof event.f !== 'string') break;
      events.push(event);
    } catch {
      break;
    }
  }
  return events;
}

function readRoles(directory: string, problems: string[]): RoleSample[] {
  const file = join(directory, RUN_FILES.roles);
  if (!existsSync(file)) return [];
  const roles: RoleSample[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let line = 0; line < lines.length && roles.length < MAX_ROLE_SAMPLES; line++) {
    const text = lines[line]!.trim();
    if (text === '') continue;
    try {
      const sample = JSON.parse(text) as RoleSample;
      if (typeof sample.time === 'number' && typeof sample.node === 'string' && typeof sample.role === 'string') roles.push(sample);
    } catch {
      // A line cut short by a crash is expected at the end; anywhere else it is worth saying.
      if (line < lines.length - 2) problems.push(`roles.jsonl line ${line + 1} is not JSON and was skipped`);
    }
  }
  return roles;
}

function checkResults(results: StoredResults | undefined, problems: string[]): StoredResults | undefined {
  if (results === undefined) {
    problems.push('results.json is missing: the run stopped before its checks; run faultline check on it to judge it');
    return undefined;
  }
  if (typeof results !== 'object' || results === null || typeof results.checkers !== 'object' || results.checkers === null) {
    problems.push('results.json does not hold checker results');
    return undefined;
  }
  return results;
}

/** Everything the report needs from a run directory. */
export async function readRunFiles(directory: string): Promise<RunFiles> {
  const config = readConfig(directory);
  const problems: string[] = [];
  const events = await readEvents(directory, problems);
  const results = checkResults(readJson<StoredResults>(directory, RUN_FILES.results, problems), problems);
  const trace = readJson<{ traceHash?: unknown }>(directory, RUN_FILES.trace, problems);
  const finalStates = readJson<FinalStates>(directory, RUN_FILES.finalStates, problems);
  const files: RunFiles = { directory, config, events, roles: readRoles(directory, problems), problems };
  if (results !== undefined) files.results = results;
  if (typeof trace?.traceHash === 'string') files.traceHash = trace.traceHash;
  if (finalStates !== undefined) files.finalStates = finalStates;
  return files;
}
