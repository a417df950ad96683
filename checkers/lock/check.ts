/**
 * Lock safety: no two processes hold the same lock at once in real time.
 * Only certain holds count (see holds.ts); an acquire that ended info may or
 * may not hold the lock, so it is counted in the stats and never blamed.
 */
import type { Operation, ProcessId } from '../../common/history/types.js';
import {
  DEFAULT_MAX_ANOMALIES,
  describeMomentOf,
  groupByKey,
  LOOK_AT_CLIENTS,
  momentOf,
  nothingToJudge,
  onKey,
  type Checker,
  type CheckerInput,
  type CheckerResult,
  type Moment,
} from '../checker.js';
import { chooseSource, holdsOf, type Hold, type HoldSource, type HoldsOfKey } from './holds.js';

export interface LockOverlap {
  kind: 'overlap';
  key: string | null;
  processes: [ProcessId, ProcessId];
  /** Both held the lock throughout [from, to]. */
  from: Moment;
  to: Moment;
}

export interface LockOptions {
  /** Where holds come from; "auto" takes the critical-section records when the history has any. */
  holdsFrom?: HoldSource | 'auto';
  maxAnomalies?: number;
}

export type LockResult = CheckerResult<LockOverlap>;

export const lockChecker: Checker<LockOptions, LockResult> = {
  name: 'lock',
  check: (input, options) => checkLock(input, options),
};

const LOCK_FUNCTIONS = new Set(['acquire', 'release', 'enter', 'exit']);

export function checkLock(input: CheckerInput, options: LockOptions = {}): LockResult {
  const maxAnomalies = options.maxAnomalies ?? DEFAULT_MAX_ANOMALIES;
  const lockOperations = input.operations.filter((operation) => LOCK_FUNCTIONS.has(operation.f));
  const anomalies: LockOverlap[] = [];
  const sources = new Set<HoldSource>();
  let [holdCount, uncertain, overlapCount] = [0, 0, 0];
  for (const [key, operations] of groupByKey(lockOperations)) {
    const source = sourceOf(operations, options);
    sources.add(source);
    const ofKey = holdsOf(key, operations, source);
    holdCount += ofKey.holds.length;
    uncertain += ofKey.uncertain;
    for (const overlap of overlapsOf(ofKey.holds)) {
      overlapCount += 1;
      if (anomalies.length < maxAnomalies) anomalies.push(overlap);
    }
  }
  const first = anomalies[0];
  const source = sources.size === 1 ? [...sources][0] : undefined;
  const noHolds = holdCount === 0 && anomalies.length === 0;
  return {
    checker: 'lock',
    valid: noHolds ? 'unknown' : anomalies.length === 0,
    ...(noHolds ? { reason: noHoldsReason(lockOperations.length, uncertain) } : {}),
    anomalies,
    stats: {
      holdsFrom: sources.size > 1 ? 'critical-section where recorded, else acquire' : ([...sources][0] ?? 'acquire'),
      holds: holdCount,
      uncertainAcquires: uncertain,
      overlaps: overlapCount,
    },
    ...(noHolds ? {} : { sentence: first === undefined ? describeNoOverlap(holdCount, source) : describeOverlap(first) }),
  };
}

function sourceOf(operations: readonly Operation[], options: LockOptions): HoldSource {
  return options.holdsFrom === undefined || options.holdsFrom === 'auto' ? chooseSource(operations) : options.holdsFrom;
}

/**
 * The holds of one key exactly as checkLock judged them (same operations,
 * same grouping by key, same choice of source), for views that explain an
 * overlap: they must show the holds the verdict came from.
 */
export function holdsOfKey(operations: readonly Operation[], key: string | null, options: LockOptions = {}): HoldsOfKey {
  const lockOperations = operations.filter((operation) => LOCK_FUNCTIONS.has(operation.f));
  const ofKey = groupByKey(lockOperations).get(key) ?? [];
  return holdsOf(key, ofKey, sourceOf(ofKey, options));
}

/** No certain hold: nobody held the lock, so safety was never put to the test. */
function noHoldsReason(lockOperations: number, uncertain: number): string {
  const what =
    lockOperations === 0
      ? 'the history has no lock operations'
      : `no process certainly held the lock (${lockOperations} lock operations, ${uncertain} acquires ended unknown)`;
  return nothingToJudge(what, LOOK_AT_CLIENTS);
}

/**
 * Says what was judged, as it differs from linearizability:mutex: that model
 * judges the lock service's grants, which can go wrong (a grant while the
 * last holder, unaware, still held) when no holder acted on it.
 */
function describeNoOverlap(holds: number, source: HoldSource | undefined): string {
  if (source === 'critical-section') {
    return (
      `no two critical sections overlapped (${holds} holds, from enter to exit); this judges what the holders did, ` +
      'not when the lock service granted the lock, which linearizability:mutex judges'
    );
  }
  return `no two holds overlapped (${holds} holds, from an ok acquire to its release)`;
}

/** Every pair of holds by different processes that overlap, by a sweep over start order. */
export function* overlapsOf(holds: readonly Hold[]): Generator<LockOverlap> {
  const byStart = [...holds].sort((left, right) => left.startIndex - right.startIndex);
  // In a correct history at most one hold is active, so the active list stays tiny.
  let active: Hold[] = [];
  for (const hold of byStart) {
    active = active.filter((other) => other.endIndex > hold.startIndex);
    for (const other of active) {
      if (other.process !== hold.process) yield overlap(other, hold);
    }
    active.push(hold);
  }
}

function overlap(earlier: Hold, later: Hold): LockOverlap {
  const ending = earlier.endIndex <= later.endIndex ? earlier : later;
  return {
    kind: 'overlap',
    key: later.key,
    processes: [earlier.process, later.process],
    from: momentOf(later.startIndex, later.startTime),
    to: momentOf(ending.endIndex, ending.endTime),
  };
}

/** What every overlap is, whatever its processes and times. */
export function overlapShape(anomaly: Pick<LockOverlap, 'kind'>): string {
  return anomaly.kind === 'overlap' ? 'two processes held the lock at once' : String(anomaly.kind);
}

export function describeOverlap(anomaly: LockOverlap): string {
  const [first, second] = anomaly.processes;
  return (
    `processes ${String(first)} and ${String(second)} both held the lock${onKey(anomaly.key)} ` +
    `from ${describeMomentOf(anomaly.from)} to ${describeMomentOf(anomaly.to)}`
  );
}
