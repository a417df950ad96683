/**
 * Latency points for the chart, capped so a 100,000-op history draws in a
 * browser in well under a second: every fail and info op is kept (they are
 * what a person looks for), and ok ops are thinned per time bin, keeping each
 * bin's slowest ops and an even spread of the rest. The chart says how many
 * it shows.
 */
import { latencyMs, type Outcome, type OperationSpan } from './operations.js';

export interface LatencyPoint {
  /** Invocation, seconds since run start. */
  t: number;
  /** Latency in milliseconds; ops never completed are drawn at the time they were still open at the end. */
  ms: number;
  outcome: Outcome;
  f: string;
  process: string;
  key: string;
}

export interface LatencySample {
  points: LatencyPoint[];
  okTotal: number;
  okShown: number;
  uncertainTotal: number;
  uncertainShown: number;
}

export interface SamplingLimits {
  /** All points drawn, at most. */
  maxPoints: number;
  /** Fail and info points drawn, at most; past it they are thinned evenly too. */
  maxUncertain: number;
  /** Time bins the ok points are thinned over. */
  bins: number;
}

export const DEFAULT_SAMPLING: SamplingLimits = { maxPoints: 9000, maxUncertain: 6000, bins: 300 };

function toPoint(span: OperationSpan, endSeconds: number): LatencyPoint {
  const ms = latencyMs(span) ?? Math.max(0, (endSeconds - span.callSeconds) * 1000);
  return {
    t: span.callSeconds,
    // A latency of 0 cannot sit on a log axis: floor at a microsecond.
    ms: Math.max(ms, 0.001),
    outcome: span.outcome,
    f: span.f,
    process: String(span.process),
    key: span.key === undefined ? '' : String(span.key),
  };
}

/** Every k-th item so that at most `count` remain, spread over the whole list. */
export function evenly<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  if (count <= 0) return [];
  const kept: T[] = [];
  const step = items.length / count;
  for (let position = 0; position < count; position++) kept.push(items[Math.floor(position * step)]!);
  return kept;
}

function thinOk(ok: readonly LatencyPoint[], budget: number, bins: number): LatencyPoint[] {
  if (ok.length <= budget) return [...ok];
  const first = ok[0]!.t;
  const span = Math.max(ok[ok.length - 1]!.t - first, 1e-9);
  const byBin: LatencyPoint[][] = Array.from({ length: bins }, () => []);
  for (const point of ok) byBin[Math.min(bins - 1, Math.floor(((point.t - first) / span) * bins))]!.push(point);
  const perBin = Math.max(1, Math.floor(budget / bins));
  const kept: LatencyPoint[] = [];
  for (const bin of byBin) {
    if (bin.length <= perBin) {
      kept.push(...bin);
      continue;
    }
    // The slowest half of the quota shows the tail; the rest shows the body of the distribution.
    const slowest = [...bin].sort((left, right) => right.ms - left.ms).slice(0, Math.ceil(perBin / 2));
    const chosen = new Set(slowest);
    const rest = evenly(bin.filter((point) => !chosen.has(point)), perBin - slowest.length);
    kept.push(...slowest, ...rest);
  }
  return kept.sort((left, right) => left.t - right.t);
}

/** The points to draw, with how many of each kind there were and how many are shown. */
export function sampleLatencies(spans: readonly OperationSpan[], endSeconds: number, limits: SamplingLimits = DEFAULT_SAMPLING): LatencySample {
  const ok: LatencyPoint[] = [];
  const uncertain: LatencyPoint[] = [];
  for (const span of spans) (span.outcome === 'ok' ? ok : uncertain).push(toPoint(span, endSeconds));
  ok.sort((left, right) => left.t - right.t);
  const keptUncertain = evenly(uncertain, limits.maxUncertain);
  const keptOk = thinOk(ok, Math.max(limits.maxPoints - keptUncertain.length, limits.bins), limits.bins);
  return {
    points: [...keptOk, ...keptUncertain],
    okTotal: ok.length,
    okShown: keptOk.length,
    uncertainTotal: uncertain.length,
    uncertainShown: keptUncertain.length,
  };
}
