/**
 * Performance: latency percentiles and throughput, overall, per function and
 * per fault window, with availability (the share of operations invoked in a
 * window that ended ok; fail and info both count as unavailable, and an
 * operation never completed counts as info). An operation belongs to the
 * windows its invocation falls in; "outside faults" is every operation that
 * falls in none. Perf measures, so it is always valid, unless the history
 * has no times to measure.
 */
import type { Operation } from '../../common/history/types.js';
import { LOOK_AT_CLIENTS, nothingToJudge, type Checker, type CheckerInput, type CheckerResult } from '../checker.js';
import { DEFAULT_MAX_SAMPLES, LatencySample, type LatencySummary } from './latency.js';
import { faultWindows, type FaultWindow } from './windows.js';
import { throughput, type Throughput } from './throughput.js';

export interface WindowSummary {
  invoked: number;
  ok: number;
  fail: number;
  info: number;
  /** ok / invoked; null when nothing was invoked. */
  availability: number | null;
  latency?: LatencySummary;
}

export interface FaultSummary extends WindowSummary {
  fault: string;
  value: unknown;
  fromSeconds: number;
  /** null: the fault was never stopped. */
  toSeconds: number | null;
}

export interface PerfOptions {
  /** Latencies kept per group for percentiles; see latency.ts. */
  maxSamples?: number;
}

export type PerfResult = CheckerResult<never> & {
  latency?: { overall?: LatencySummary; byFunction: Record<string, LatencySummary> };
  throughput?: Throughput;
  faults?: FaultSummary[];
  /** Operations invoked while any fault was on, each counted once. */
  duringFaults?: WindowSummary;
  outsideFaults?: WindowSummary;
};

export const perfChecker: Checker<PerfOptions, PerfResult> = {
  name: 'perf',
  check: (input, options) => checkPerf(input, options),
};

class WindowAccumulator {
  readonly counts = { invoked: 0, ok: 0, fail: 0, info: 0 };
  readonly latency: LatencySample;

  constructor(name: string, maxSamples: number) {
    this.latency = new LatencySample(name, maxSamples);
  }

  add(operation: Operation, latencyMs: number | undefined): void {
    this.counts.invoked += 1;
    this.counts[operation.status] += 1;
    if (latencyMs !== undefined) this.latency.add(latencyMs);
  }

  summary(): WindowSummary {
    const { invoked, ok } = this.counts;
    const latency = this.latency.summary();
    return { ...this.counts, availability: invoked === 0 ? null : ok / invoked, ...(latency === undefined ? {} : { latency }) };
  }
}

export function checkPerf(input: CheckerInput, options: PerfOptions = {}): PerfResult {
  const timed = input.operations.filter((operation) => operation.callTime !== undefined);
  if (timed.length === 0) {
    const reason =
      input.operations.length === 0
        ? nothingToJudge('the history has no client operations to measure', LOOK_AT_CLIENTS)
        : 'the history has no times, so latency and throughput cannot be measured';
    return { checker: 'perf', valid: 'unknown', reason, anomalies: [], stats: { operations: input.operations.length } };
  }
  const maxSamples = options.maxSamples ?? DEFAULT_MAX_SAMPLES;
  const overall = new LatencySample('overall', maxSamples);
  const byFunction = new Map<string, LatencySample>();
  // In call-time order, the order summarizeFaultWindows takes them in: a reservoir's sample depends on it.
  for (const operation of byCallTime(timed)) {
    if (operation.returnTime === undefined) continue;
    const latencyMs = (operation.returnTime - operation.callTime!) / 1e6;
    overall.add(latencyMs);
    let group = byFunction.get(operation.f);
    if (group === undefined) byFunction.set(operation.f, (group = new LatencySample(`f ${operation.f}`, maxSamples)));
    group.add(latencyMs);
  }
  const byWindow = summarizeFaultWindows(input, maxSamples);
  const overallLatency = overall.summary();
  const result = {
    checker: 'perf',
    valid: true as const,
    anomalies: [],
    stats: {},
    latency: { ...(overallLatency === undefined ? {} : { overall: overallLatency }), byFunction: summaries(byFunction) },
    throughput: throughput(timed),
    ...byWindow,
  };
  return { ...result, stats: perfStats(input.operations.length, timed, result, maxSamples) };
}

export interface FaultWindowSummaries {
  faults: FaultSummary[];
  /** Operations invoked while any fault was on, each counted once. */
  duringFaults: WindowSummary;
  outsideFaults: WindowSummary;
}

/**
 * Availability and latency per fault window, by perf's rule: each timed
 * operation belongs to every window open at its invocation, and to "outside
 * faults" when none is. Reports call this rather than count windows again.
 */
export function summarizeFaultWindows(input: Pick<CheckerInput, 'operations' | 'events'>, maxSamples = DEFAULT_MAX_SAMPLES): FaultWindowSummaries {
  const windows = faultWindows(input.events);
  const inWindow = windows.map((_window, position) => new WindowAccumulator(`fault ${position}`, maxSamples));
  const during = new WindowAccumulator('during', maxSamples);
  const outside = new WindowAccumulator('outside', maxSamples);
  const sweep = windowSweep(windows);
  for (const operation of byCallTime(input.operations.filter((candidate) => candidate.callTime !== undefined))) {
    const latencyMs = operation.returnTime === undefined ? undefined : (operation.returnTime - operation.callTime!) / 1e6;
    const active = sweep(operation.callTime!);
    (active.length === 0 ? outside : during).add(operation, latencyMs);
    for (const position of active) inWindow[position]!.add(operation, latencyMs);
  }
  return {
    faults: windows.map((window, position) => faultSummary(window, inWindow[position]!)),
    duringFaults: during.summary(),
    outsideFaults: outside.summary(),
  };
}

/** In a recorded history invocation order is time order; imported ones are sorted to be sure. */
function byCallTime(operations: Operation[]): Operation[] {
  for (let position = 1; position < operations.length; position++) {
    if (operations[position - 1]!.callTime! > operations[position]!.callTime!) {
      return [...operations].sort((left, right) => left.callTime! - right.callTime!);
    }
  }
  return operations;
}

/** For non-decreasing times, the positions of the windows open at each time: one pass over the windows. */
function windowSweep(windows: readonly FaultWindow[]): (time: number) => number[] {
  let next = 0;
  let active: number[] = [];
  let firstClose = Infinity;
  return (time) => {
    while (next < windows.length && windows[next]!.from <= time) {
      firstClose = Math.min(firstClose, windows[next]!.to);
      active.push(next++);
    }
    if (firstClose <= time) {
      active = active.filter((position) => windows[position]!.to > time);
      firstClose = Math.min(...active.map((position) => windows[position]!.to));
    }
    return active;
  };
}

function faultSummary(window: FaultWindow, accumulator: WindowAccumulator): FaultSummary {
  return {
    fault: window.fault,
    value: window.value,
    fromSeconds: window.from / 1e9,
    toSeconds: Number.isFinite(window.to) ? window.to / 1e9 : null,
    ...accumulator.summary(),
  };
}

function summaries(groups: Map<string, LatencySample>): Record<string, LatencySummary> {
  const result: Record<string, LatencySummary> = {};
  for (const name of [...groups.keys()].sort()) {
    const summary = groups.get(name)!.summary();
    if (summary !== undefined) result[name] = summary;
  }
  return result;
}

type Measured = Required<Pick<PerfResult, 'latency' | 'throughput' | 'faults' | 'duringFaults' | 'outsideFaults'>>;

function perfStats(
  operations: number,
  timed: readonly Operation[],
  measured: Measured,
  maxSamples: number,
): Record<string, number | string> {
  const latency = measured.latency.overall;
  const availability = (window: WindowSummary): number | string =>
    window.availability === null ? 'n/a' : round(window.availability, 4);
  const percentiles: Record<string, number> = {};
  if (latency !== undefined) {
    percentiles.latencyP50Ms = round(latency.p50Ms);
    percentiles.latencyP90Ms = round(latency.p90Ms);
    percentiles.latencyP99Ms = round(latency.p99Ms);
    percentiles.latencyMaxMs = round(latency.maxMs);
  }
  return {
    operations,
    timedOperations: timed.length,
    ok: measured.duringFaults.ok + measured.outsideFaults.ok,
    ...percentiles,
    okPerSecond: round(measured.throughput.okPerSecond),
    faultWindows: measured.faults.length,
    availabilityDuringFaults: availability(measured.duringFaults),
    availabilityOutsideFaults: availability(measured.outsideFaults),
    percentiles: latency?.sampled === true ? `from a sample of ${maxSamples} per group` : 'exact',
  };
}

function round(value: number, digits = 3): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
