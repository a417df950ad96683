/**
 * A sequence hands out ids: unique, without gaps that completed operations
 * left (see gaps.ts for the exact rule), and in real-time order: an id asked
 * for after another was handed out is larger. Each key is its own sequence.
 */
import {
  DEFAULT_MAX_ANOMALIES,
  describeMomentOf,
  groupByKey,
  LOOK_AT_CLIENTS,
  nothingToJudge,
  onKey,
  type Checker,
  type CheckerInput,
  type CheckerResult,
} from '../checker.js';
import { findGaps, type SequenceGap } from './gaps.js';
import { describeRanges, holderAtCall, holderAtReturn, parseId, type IdHolder, type IssuedId } from './ids.js';

export interface DuplicateId {
  kind: 'duplicate';
  key: string | null;
  id: number;
  holders: IdHolder[];
}

export interface OrderViolation {
  kind: 'order';
  key: string | null;
  /** Asked for (at its invocation) after `earlier` had been handed out, yet smaller. */
  later: IdHolder;
  earlier: IdHolder;
}

export type SequenceAnomaly = DuplicateId | OrderViolation | SequenceGap;

export interface SequenceOptions {
  nextFunction?: string;
  /** Judge gaps; off for sequences that may skip ids by design. */
  checkGaps?: boolean;
  /** Where the sequence starts, when known (ZooKeeper's sequential znodes: 0), so ids below the first seen count. */
  firstId?: number;
  maxAnomalies?: number;
}

export type SequenceResult = CheckerResult<SequenceAnomaly>;

export const sequenceChecker: Checker<SequenceOptions, SequenceResult> = {
  name: 'sequence',
  check: (input, options) => checkSequence(input, options),
};

export function checkSequence(input: CheckerInput, options: SequenceOptions = {}): SequenceResult {
  const nextFunction = options.nextFunction ?? 'next';
  const found: Record<SequenceAnomaly['kind'], SequenceAnomaly[]> = { duplicate: [], order: [], gap: [] };
  let [issuedCount, unknownCount] = [0, 0];
  const nexts = input.operations.filter((operation) => operation.f === nextFunction);
  for (const [key, operations] of groupByKey(nexts)) {
    const issued = operations
      .filter((operation) => operation.status === 'ok')
      .map((operation) => ({ operation, id: parseId(operation) }));
    const unknown = operations.filter((operation) => operation.status === 'info');
    issuedCount += issued.length;
    unknownCount += unknown.length;
    found.duplicate.push(...duplicates(key, issued));
    found.order.push(...orderViolations(key, issued));
    if (options.checkGaps !== false) found.gap.push(...findGaps(key, issued, unknown, options.firstId));
  }
  const all = [...found.duplicate, ...found.order, ...found.gap];
  const anomalies = all.slice(0, options.maxAnomalies ?? DEFAULT_MAX_ANOMALIES);
  const first = anomalies[0];
  const noIds = issuedCount === 0 && anomalies.length === 0;
  const what = `no ${nextFunction} ended ok, so no id was handed out (${unknownCount} ended unknown)`;
  return {
    checker: 'sequence',
    valid: noIds ? 'unknown' : anomalies.length === 0,
    ...(noIds ? { reason: nothingToJudge(what, LOOK_AT_CLIENTS) } : {}),
    anomalies,
    stats: {
      issued: issuedCount,
      unknown: unknownCount,
      duplicates: found.duplicate.length,
      orderViolations: found.order.length,
      gaps: found.gap.length,
      skippedAtLeast: found.gap.reduce((sum, gap) => sum + (gap as SequenceGap).skippedAtLeast, 0),
    },
    ...(first === undefined ? {} : { sentence: describeSequenceAnomaly(first) }),
  };
}

function duplicates(key: string | null, issued: readonly IssuedId[]): DuplicateId[] {
  const byId = new Map<number, IssuedId[]>();
  for (const item of issued) {
    const holders = byId.get(item.id);
    if (holders === undefined) byId.set(item.id, [item]);
    else holders.push(item);
  }
  const found: DuplicateId[] = [];
  for (const [id, holders] of byId) {
    if (holders.length > 1) found.push({ kind: 'duplicate', key, id, holders: holders.map(holderAtReturn) });
  }
  return found.sort((left, right) => left.id - right.id);
}

/**
 * Ids smaller than the largest id handed out before they were asked for.
 * An equal id is a duplicate, reported there, not twice.
 */
function orderViolations(key: string | null, issued: readonly IssuedId[]): OrderViolation[] {
  const byReturn = [...issued].sort((left, right) => left.operation.returnIndex - right.operation.returnIndex);
  const found: OrderViolation[] = [];
  let returned = 0;
  let largest: IssuedId | undefined;
  for (const item of issued) {
    while (returned < byReturn.length && byReturn[returned]!.operation.returnIndex < item.operation.callIndex) {
      const candidate = byReturn[returned]!;
      if (largest === undefined || candidate.id > largest.id) largest = candidate;
      returned += 1;
    }
    if (largest !== undefined && item.id < largest.id) {
      found.push({ kind: 'order', key, later: holderAtCall(item), earlier: holderAtReturn(largest) });
    }
  }
  return found;
}

const SEQUENCE_SHAPES: Record<SequenceAnomaly['kind'], string> = {
  duplicate: 'one id handed out twice',
  order: 'an id smaller than one handed out before it was asked for',
  gap: 'ids skipped that no operation can account for',
};

/** The kind of anomaly, without its key, ids or processes. */
export function sequenceShape(anomaly: Pick<SequenceAnomaly, 'kind'>): string {
  return SEQUENCE_SHAPES[anomaly.kind] ?? String(anomaly.kind);
}

export function describeSequenceAnomaly(anomaly: SequenceAnomaly): string {
  const sequence = `sequence${onKey(anomaly.key)}`;
  if (anomaly.kind === 'duplicate') {
    const processes = anomaly.holders.map((holder) => String(holder.process));
    const listed = `${processes.slice(0, -1).join(', ')} and ${processes[processes.length - 1]}`;
    return `processes ${listed} ${processes.length === 2 ? 'both' : 'all'} got id ${anomaly.id} from ${sequence}`;
  }
  if (anomaly.kind === 'order') {
    const { later, earlier } = anomaly;
    return (
      `process ${String(later.process)} asked ${sequence} for an id at ${describeMomentOf(later.at)} and got ${later.id}, ` +
      `smaller than the id ${earlier.id} process ${String(earlier.process)} had already got at ${describeMomentOf(earlier.at)}`
    );
  }
  return describeGap(sequence, anomaly);
}

function describeGap(sequence: string, gap: SequenceGap): string {
  const count = gap.missingCount;
  const ids = `${count === 1 ? 'id' : 'ids'} ${describeRanges(gap.missing)}`;
  if (gap.unknownOperations === 0) {
    const pronoun = count === 1 ? 'it' : 'them';
    const around =
      gap.below === undefined
        ? `${gap.above.id} was the first id handed out`
        : `${gap.below.id} and ${gap.above.id} were handed out`;
    return `${sequence} skipped ${ids}: ${around}, and no operation that ended unknown could have taken ${pronoun}`;
  }
  const operations = gap.unknownOperations === 1 ? 'operation that ended unknown was' : 'operations that ended unknown were';
  return (
    `${sequence} skipped at least ${gap.skippedAtLeast} of ${ids}: only ${gap.unknownOperations} ${operations} ` +
    `invoked before a larger id was handed out`
  );
}
