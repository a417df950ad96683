/**
 * Gaps: ids the sequence skipped. An id m missing between ids handed out may
 * still be the id of an operation that ended info (or never completed): it
 * may have taken effect, and we never learned its id. So a missing id is only
 * blamed when no such operation can account for it. The rule:
 *
 *   An info operation X can account for a missing id m only if X was invoked
 *   before the first completion of an ok operation that got an id above m.
 *   (Had X taken m after such a completion, the real-time order check would
 *   be broken instead; either way the history is not a correct sequence, and
 *   we call it a gap.) Each info operation accounts for at most one id.
 *
 * Missing ids come in runs between consecutive ids handed out; all ids of a
 * run share that deadline, and the deadlines grow with the ids, so the sets
 * of operations that can account for them are nested. Two kinds of report:
 *
 * - While no info operation can account for any id so far, each run of
 *   missing ids is certainly skipped: one anomaly per run, exact.
 * - Past that point, which ids the info operations took is not knowable, so
 *   one anomaly per key gives a bound: among the remaining missing ids up to
 *   some run, C ids are missing and only E info operations could account for
 *   them, so at least C - E were skipped (Hall's theorem; for nested sets
 *   this greedy count is exact). The run chosen is the one with the largest
 *   bound.
 *
 * The bounds of a key's anomalies add up to the least number of ids the
 * sequence must have skipped.
 *
 * Ids below the smallest one handed out are only judged when the caller
 * knows where the sequence starts (options.firstId).
 */
import type { Operation } from '../../common/history/types.js';
import { holderAtReturn, type IdHolder, type IssuedId } from './ids.js';

export interface SequenceGap {
  kind: 'gap';
  key: string | null;
  /** Runs of missing ids [from, to]. */
  missing: Array<[number, number]>;
  /** How many ids those runs hold. */
  missingCount: number;
  /** At least this many of them were never handed out to anyone (all of them when unknownOperations is 0). */
  skippedAtLeast: number;
  /** Operations that ended unknown and could have taken one of these ids. */
  unknownOperations: number;
  /** The ids handed out on either side of the last run (below is absent before the first id). */
  below?: IdHolder;
  above: IdHolder;
}

interface Run {
  from: number;
  to: number;
  /** Event index by which an id above this run had been handed out. */
  deadline: number;
  below?: IssuedId;
  above: IssuedId;
}

export function findGaps(
  key: string | null,
  issued: readonly IssuedId[],
  unknown: readonly Operation[],
  firstId: number | undefined,
): SequenceGap[] {
  const calls = unknown.map((operation) => operation.callIndex).sort((left, right) => left - right);
  const runs = missingRuns(issued, firstId);
  const gaps: SequenceGap[] = [];
  let position = 0;
  for (; position < runs.length; position++) {
    const run = runs[position]!;
    if (calls.length > 0 && calls[0]! < run.deadline) break;
    gaps.push(gapOf(key, [run], run.to - run.from + 1, 0));
  }
  const bound = worstBound(runs.slice(position), calls);
  if (bound !== undefined) gaps.push(gapOf(key, runs.slice(position, position + bound.end), bound.skipped, bound.eligible));
  return gaps;
}

/** The prefix of runs where missing ids most outnumber the info operations that could account for them. */
function worstBound(runs: readonly Run[], calls: readonly number[]): { end: number; skipped: number; eligible: number } | undefined {
  let [missing, eligible] = [0, 0];
  let worst: { end: number; skipped: number; eligible: number } | undefined;
  runs.forEach((run, position) => {
    missing += run.to - run.from + 1;
    while (eligible < calls.length && calls[eligible]! < run.deadline) eligible += 1;
    const skipped = missing - eligible;
    if (skipped > 0 && (worst === undefined || skipped > worst.skipped)) worst = { end: position + 1, skipped, eligible };
  });
  return worst;
}

function gapOf(key: string | null, runs: readonly Run[], skipped: number, eligible: number): SequenceGap {
  const last = runs[runs.length - 1]!;
  const missing = runs.map((run): [number, number] => [run.from, run.to]);
  const gap: SequenceGap = {
    kind: 'gap',
    key,
    missing,
    missingCount: runs.reduce((sum, run) => sum + (run.to - run.from + 1), 0),
    skippedAtLeast: skipped,
    unknownOperations: eligible,
    above: holderAtReturn(last.above),
  };
  if (last.below !== undefined) gap.below = holderAtReturn(last.below);
  return gap;
}

/** Runs of ids missing between distinct ids handed out, in increasing order, each with its deadline. */
function missingRuns(issued: readonly IssuedId[], firstId: number | undefined): Run[] {
  const byId = [...issued].sort((left, right) => left.id - right.id || left.operation.returnIndex - right.operation.returnIndex);
  // earliest[i]: the first completion among ids >= byId[i].id
  const earliest = new Array<number>(byId.length);
  let soonest = Infinity;
  for (let position = byId.length - 1; position >= 0; position--) {
    soonest = Math.min(soonest, byId[position]!.operation.returnIndex);
    earliest[position] = soonest;
  }
  const runs: Run[] = [];
  const lowest = byId[0];
  if (lowest !== undefined && firstId !== undefined && firstId < lowest.id) {
    runs.push({ from: firstId, to: lowest.id - 1, deadline: earliest[0]!, above: lowest });
  }
  for (let position = 1; position < byId.length; position++) {
    const [below, above] = [byId[position - 1]!, byId[position]!];
    if (above.id - below.id <= 1) continue;
    runs.push({ from: below.id + 1, to: above.id - 1, deadline: earliest[position]!, below, above });
  }
  return runs;
}
