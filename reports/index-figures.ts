/**
 * The comparison's numbers: each run's latency, throughput and availability
 * from its perf checker's entry in results.json, and those numbers combined
 * per matrix cell (workload, nemesis, system) and per (system, fault kind).
 * Availability is pooled (all ok over all invoked); latency percentiles
 * cannot be pooled from percentiles, so a group shows the median of its
 * runs' (or fault windows') values.
 */
import { verdictWord, type Verdict } from '../checkers/checker.js';
import { runVerdict, type StoredRun } from './index-runs.js';

export interface Counts {
  invoked: number;
  ok: number;
}

export interface RunPerf {
  p50Ms?: number;
  p99Ms?: number;
  okPerSecond?: number;
  during?: Counts;
  outside?: Counts;
  faults: Array<{ fault: string; invoked: number; ok: number; p99Ms?: number }>;
}

export interface CellFigures {
  workload: string;
  nemesis: string;
  system: string;
  runs: number;
  /** Incomplete: runs without results.json (interrupted). */
  verdicts: Record<'valid' | 'violation' | 'unknown' | 'incomplete', number>;
  p50Ms?: number;
  p99Ms?: number;
  okPerSecond?: number;
  /** ok / invoked over every run's operations invoked during faults; undefined when none were. */
  availabilityDuringFaults?: number;
  availabilityOutsideFaults?: number;
}

export interface FaultFigures {
  system: string;
  fault: string;
  windows: number;
  invoked: number;
  availability?: number;
  p99Ms?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function finite(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function counts(window: unknown): Counts | undefined {
  if (!isRecord(window)) return undefined;
  const invoked = finite(window.invoked);
  const ok = finite(window.ok);
  return invoked === undefined || ok === undefined ? undefined : { invoked, ok };
}

function p99Of(window: Record<string, unknown>): number | undefined {
  return isRecord(window.latency) ? finite(window.latency.p99Ms) : undefined;
}

/** The perf checker's figures of a run, or undefined when it has none. */
export function runPerf(run: StoredRun): RunPerf | undefined {
  const entry = Object.values(run.results?.checkers ?? {}).find((checker) => checker.raw.checker === 'perf');
  if (entry === undefined) return undefined;
  const raw = entry.raw;
  const overall = isRecord(raw.latency) && isRecord(raw.latency.overall) ? raw.latency.overall : {};
  const perf: RunPerf = { faults: [] };
  const p50Ms = finite(overall.p50Ms);
  const p99Ms = finite(overall.p99Ms);
  const okPerSecond = isRecord(raw.throughput) ? finite(raw.throughput.okPerSecond) : undefined;
  if (p50Ms !== undefined) perf.p50Ms = p50Ms;
  if (p99Ms !== undefined) perf.p99Ms = p99Ms;
  if (okPerSecond !== undefined) perf.okPerSecond = okPerSecond;
  const during = counts(raw.duringFaults);
  const outside = counts(raw.outsideFaults);
  if (during !== undefined) perf.during = during;
  if (outside !== undefined) perf.outside = outside;
  for (const window of Array.isArray(raw.faults) ? raw.faults : []) {
    const windowCounts = counts(window);
    if (!isRecord(window) || windowCounts === undefined) continue;
    const p99 = p99Of(window);
    perf.faults.push({ fault: String(window.fault), ...windowCounts, ...(p99 === undefined ? {} : { p99Ms: p99 }) });
  }
  return perf;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((left, right) => left - right);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The share of invoked ops that ended ok, or undefined when none were invoked. */
export function availabilityOf(part: Counts | undefined): number | undefined {
  return pooled([part]);
}

function pooled(parts: ReadonlyArray<Counts | undefined>): number | undefined {
  let [invoked, ok] = [0, 0];
  for (const part of parts) {
    if (part === undefined) continue;
    invoked += part.invoked;
    ok += part.ok;
  }
  return invoked === 0 ? undefined : ok / invoked;
}

function defined<T>(values: ReadonlyArray<T | undefined>): T[] {
  return values.filter((value): value is T => value !== undefined);
}

function verdictKey(verdict: Verdict): 'valid' | 'violation' | 'unknown' {
  return verdictWord(verdict).toLowerCase() as 'valid' | 'violation' | 'unknown';
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [item]);
    else group.push(item);
  }
  return groups;
}

/** One row per (workload, nemesis, system) that has a config, sorted by those names. */
export function cellFigures(runs: readonly StoredRun[]): CellFigures[] {
  const configured = runs.filter((run) => run.config !== undefined);
  const groups = groupBy(configured, (run) => JSON.stringify([run.config!.workload, run.config!.nemesis, run.config!.system]));
  const cells: CellFigures[] = [];
  for (const [key, group] of [...groups].sort(([left], [right]) => left.localeCompare(right))) {
    const [workload, nemesis, system] = JSON.parse(key) as [string, string, string];
    const perfs = defined(group.map(runPerf));
    const verdicts = { valid: 0, violation: 0, unknown: 0, incomplete: 0 };
    for (const run of group) verdicts[run.results === undefined ? 'incomplete' : verdictKey(runVerdict(run))] += 1;
    const cell: CellFigures = { workload, nemesis, system, runs: group.length, verdicts };
    const figures = {
      p50Ms: median(defined(perfs.map((perf) => perf.p50Ms))),
      p99Ms: median(defined(perfs.map((perf) => perf.p99Ms))),
      okPerSecond: median(defined(perfs.map((perf) => perf.okPerSecond))),
      availabilityDuringFaults: pooled(perfs.map((perf) => perf.during)),
      availabilityOutsideFaults: pooled(perfs.map((perf) => perf.outside)),
    };
    for (const [name, value] of Object.entries(figures)) if (value !== undefined) (cell as unknown as Record<string, number>)[name] = value;
    cells.push(cell);
  }
  return cells;
}

/** One row per (system, fault kind) over every fault window of every run. */
export function faultFigures(runs: readonly StoredRun[]): FaultFigures[] {
  const windows = runs.flatMap((run) => (run.config === undefined ? [] : (runPerf(run)?.faults ?? []).map((window) => ({ system: run.config!.system, ...window }))));
  const groups = groupBy(windows, (window) => JSON.stringify([window.system, window.fault]));
  const rows: FaultFigures[] = [];
  for (const [key, group] of [...groups].sort(([left], [right]) => left.localeCompare(right))) {
    const [system, fault] = JSON.parse(key) as [string, string];
    const invoked = group.reduce((sum, window) => sum + window.invoked, 0);
    const row: FaultFigures = { system, fault, windows: group.length, invoked };
    const availability = pooled(group);
    const p99Ms = median(defined(group.map((window) => window.p99Ms)));
    if (availability !== undefined) row.availability = availability;
    if (p99Ms !== undefined) row.p99Ms = p99Ms;
    rows.push(row);
  }
  return rows;
}
