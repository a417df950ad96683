/**
 * The run directory of DESIGN.md: runs/<id>/ with config.json, history.jsonl
 * (appended as events happen, so a crash leaves a checkable run),
 * roles.jsonl, results.json, nodes/<node>/*.log, and runs/latest pointing at
 * the newest run.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { FaultlineError } from '../../common/errors.js';
import { formatEvent, type HistoryEvent } from '../../common/history/index.js';
import { RUNTIME_NAMES, runtimeNamed } from '../runtimes/index.js';
import type { RunConfig } from './config.js';

export const FILES = {
  config: 'config.json',
  history: 'history.jsonl',
  roles: 'roles.jsonl',
  results: 'results.json',
  report: 'report.html',
  trace: 'trace.json',
} as const;

/** An append-only JSON Lines file, written through at every line. */
export class LineAppender {
  private descriptor: number | null;

  constructor(readonly path: string) {
    this.descriptor = openSync(path, 'a');
  }

  append(line: string): void {
    if (this.descriptor === null) throw new Error(`${this.path} is closed`);
    writeSync(this.descriptor, `${line}\n`);
  }

  close(): void {
    if (this.descriptor !== null) closeSync(this.descriptor);
    this.descriptor = null;
  }
}

export class RunDirectory {
  readonly history: LineAppender;
  readonly roles: LineAppender;

  constructor(readonly path: string) {
    this.history = new LineAppender(join(path, FILES.history));
    this.roles = new LineAppender(join(path, FILES.roles));
  }

  get id(): string {
    return basename(this.path);
  }

  appendEvent(event: HistoryEvent): void {
    this.history.append(formatEvent(event));
  }

  writeJson(name: string, value: unknown): void {
    writeFileSync(join(this.path, name), `${JSON.stringify(value, null, 2)}\n`);
  }

  writeNodeLog(node: string, name: string, lines: readonly string[]): void {
    const directory = join(this.path, 'nodes', node);
    mkdirSync(directory, { recursive: true });
    writeFileSync(join(directory, name), lines.length === 0 ? '' : `${lines.join('\n')}\n`);
  }

  close(): void {
    this.history.close();
    this.roles.close();
  }
}

/** "20261122T130455Z" from a Date. */
function compactUtc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

/** Creates runs/<utc-time>-<system>-<workload>-<seed>/, writes config.json and points runs/latest at it. */
export function createRunDirectory(config: RunConfig, startedAt: Date): RunDirectory {
  const base = `${compactUtc(startedAt)}-${config.system}-${config.workload}-${config.seed}`;
  let path = resolve(config.out, base);
  for (let attempt = 2; existsSync(path); attempt++) path = resolve(config.out, `${base}-${attempt}`);
  try {
    mkdirSync(path, { recursive: true });
  } catch (error) {
    throw new FaultlineError('E_CONFIG', `cannot create the run directory (${(error as Error).message})`, {
      where: path,
      hint: 'choose a writable directory with --out',
    });
  }
  const directory = new RunDirectory(path);
  directory.writeJson(FILES.config, config);
  pointLatest(resolve(config.out), basename(path));
  return directory;
}

function pointLatest(out: string, target: string): void {
  const latest = join(out, 'latest');
  rmSync(latest, { force: true });
  try {
    symlinkSync(target, latest);
  } catch {
    // A file system without symlinks keeps runs usable; only the shortcut is missing.
  }
}

/** The stored config of a run directory, with a clear error when it is not one. */
export function readRunConfig(runDirectory: string): RunConfig {
  const file = join(runDirectory, FILES.config);
  if (!existsSync(file)) {
    throw new FaultlineError('E_INPUT', 'not a run directory: it has no config.json', {
      where: runDirectory,
      hint: 'pass a directory made by faultline test, e.g. runs/latest',
    });
  }
  const config = JSON.parse(readFileSync(file, 'utf8')) as RunConfig;
  // Runs made before fault timing was recorded used their runtime's timing, which is today's.
  config.faultTiming ??= structuredClone(runtimeNamed(RUNTIME_NAMES.includes(config.runtime) ? config.runtime : 'sim').faultTiming);
  return config;
}
