/**
 * Aggregates for the charts, each bounded in size whatever the history's
 * length: throughput per time bin, availability per fault window, and each
 * node's role over time as segments.
 */
import assert from 'node:assert/strict';
import type { RoleSample } from '../checkers/checker.js';
import type { FaultWindowSummaries, WindowSummary } from '../checkers/perf/index.js';
import type { FaultBand } from './faults.js';
import type { Outcome, OperationSpan } from './operations.js';

/** Bin widths a person reads easily, in seconds. */
const NICE_BIN_SECONDS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

export function binSecondsFor(durationSeconds: number, maxBins: number): number {
  const wanted = durationSeconds / maxBins;
  return NICE_BIN_SECONDS.find((width) => width >= wanted) ?? Math.ceil(wanted / 3600) * 3600;
}

export interface ThroughputBin {
  /** Start of the bin, seconds. */
  from: number;
  to: number;
  outcome: Outcome;
  /** Completions per second in the bin. */
  perSecond: number;
  /** Stacked extent (ok at the bottom, then fail, then info): bars with a time range need y and y2 given. */
  y0: number;
  y1: number;
}

/** Completions per second by outcome, in at most maxBins bins (ops never completed are left out). */
export function throughputBins(spans: readonly OperationSpan[], durationSeconds: number, maxBins = 200): { binSeconds: number; bins: ThroughputBin[] } {
  const binSeconds = binSecondsFor(Math.max(durationSeconds, 0.001), maxBins);
  const count = Math.max(1, Math.ceil(durationSeconds / binSeconds + 1e-9));
  const tallies: Record<Outcome, number[]> = { ok: new Array(count).fill(0), fail: new Array(count).fill(0), info: new Array(count).fill(0) };
  for (const span of spans) {
    if (span.returnSeconds === undefined) continue;
    const bin = Math.min(count - 1, Math.floor(span.returnSeconds / binSeconds));
    tallies[span.outcome][bin]! += 1;
  }
  const bins: ThroughputBin[] = [];
  const stacked = new Array<number>(count).fill(0);
  for (const outcome of ['ok', 'fail', 'info'] as const) {
    tallies[outcome].forEach((tally, bin) => {
      const perSecond = tally / binSeconds;
      if (perSecond === 0) return;
      const y0 = stacked[bin]!;
      stacked[bin] = y0 + perSecond;
      bins.push({ from: bin * binSeconds, to: (bin + 1) * binSeconds, outcome, perSecond, y0, y1: y0 + perSecond });
    });
  }
  return { binSeconds, bins };
}

export interface PercentilePoint {
  /** Middle of the bin, seconds. */
  t: number;
  percentile: 'p50' | 'p99';
  /** null for a bin without ok ops: the line breaks there instead of bridging a fault. */
  ms: number | null;
}

function quantile(sorted: readonly number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

/** p50 and p99 latency of ok ops per time bin, over every op (not the sample the dots show). */
export function latencyPercentiles(spans: readonly OperationSpan[], durationSeconds: number, maxBins = 120): PercentilePoint[] {
  const binSeconds = binSecondsFor(Math.max(durationSeconds, 0.001), maxBins);
  const bins = new Map<number, number[]>();
  for (const span of spans) {
    if (span.outcome !== 'ok' || span.returnSeconds === undefined) continue;
    const bin = Math.floor(span.callSeconds / binSeconds);
    let latencies = bins.get(bin);
    if (latencies === undefined) bins.set(bin, (latencies = []));
    latencies.push(Math.max((span.returnSeconds - span.callSeconds) * 1000, 0.001));
  }
  const points: PercentilePoint[] = [];
  const present = [...bins.keys()];
  if (present.length === 0) return points;
  const [first, last] = [Math.min(...present), Math.max(...present)];
  for (let bin = first; bin <= last; bin++) {
    const sorted = bins.get(bin)?.sort((left, right) => left - right);
    const t = (bin + 0.5) * binSeconds;
    const [p50, p99] = sorted === undefined ? [null, null] : [quantile(sorted, 0.5), quantile(sorted, 0.99)];
    points.push({ t, percentile: 'p50', ms: p50 }, { t, percentile: 'p99', ms: p99 });
  }
  return points;
}

export interface AvailabilityRow {
  label: string;
  /** "fault" rows are one window each; "summary" rows are all faults / no fault. */
  kind: 'fault' | 'summary';
  fault: string;
  invoked: number;
  ok: number;
  /** ok / invoked, or null when nothing was invoked. */
  availability: number | null;
  from?: number;
  to?: number;
}

function row(label: string, kind: AvailabilityRow['kind'], fault: string, summary: WindowSummary): AvailabilityRow {
  return { label, kind, fault, invoked: summary.invoked, ok: summary.ok, availability: summary.availability };
}

/**
 * Share of ops invoked in each fault window that ended ok, and the same
 * outside every window, as the perf checker counts them (summarizeFaultWindows);
 * bands are the first of the same windows, in the same order.
 */
export function availabilityRows(summaries: FaultWindowSummaries, bands: readonly FaultBand[]): AvailabilityRow[] {
  assert.ok(bands.length <= summaries.faults.length, `${bands.length} fault bands but ${summaries.faults.length} fault windows`);
  const rows: AvailabilityRow[] = bands.map((band, position) =>
    Object.assign(row(`#${band.number} ${band.label} (${band.from.toFixed(1)}–${band.to.toFixed(1)} s)`, 'fault', band.fault, summaries.faults[position]!), { from: band.from, to: band.to }),
  );
  rows.push(row('during any fault', 'summary', 'any fault', summaries.duringFaults), row('outside faults', 'summary', 'no fault', summaries.outsideFaults));
  return rows;
}

export interface RoleSegment {
  node: string;
  role: string;
  epoch: number;
  from: number;
  to: number;
}

/** Runs of samples with the same role and epoch, per node; at most maxSegments (the rest are dropped, counted). */
export function roleSegments(samples: readonly RoleSample[], maxSegments = 3000): { segments: RoleSegment[]; dropped: number } {
  const byTime = [...samples].sort((left, right) => left.time - right.time);
  const current = new Map<string, RoleSegment>();
  const segments: RoleSegment[] = [];
  let dropped = 0;
  for (const sample of byTime) {
    const seconds = sample.time / 1e9;
    const open = current.get(sample.node);
    if (open !== undefined && open.role === sample.role && open.epoch === sample.epoch) {
      open.to = seconds;
      continue;
    }
    if (open !== undefined) open.to = seconds;
    const segment: RoleSegment = { node: sample.node, role: sample.role, epoch: Number(sample.epoch), from: seconds, to: seconds };
    current.set(sample.node, segment);
    if (segments.length < maxSegments) segments.push(segment);
    else dropped += 1;
  }
  return { segments, dropped };
}
