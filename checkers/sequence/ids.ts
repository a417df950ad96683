/**
 * Ids handed out by a sequence: numbers, or text ending in a decimal counter
 * as ZooKeeper's sequential znodes ("/seq/id-0000000042"). Only the counter
 * is compared; the prefix is the same for every id of one key.
 */
import { HistoryError } from '../../common/errors.js';
import type { Operation, ProcessId } from '../../common/history/types.js';
import { momentOf, type Moment } from '../checker.js';

export interface IssuedId {
  operation: Operation;
  id: number;
}

/** Who got an id and when: the completion for an id handed out, the invocation for one asked for later. */
export interface IdHolder {
  process: ProcessId;
  id: number;
  /** The id as the history holds it. */
  value: unknown;
  at: Moment;
}

export function parseId(operation: Operation): number {
  const value = operation.output;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'string') {
    const digits = /(\d+)$/.exec(value)?.[1];
    const id = digits === undefined ? NaN : Number(digits);
    if (Number.isSafeInteger(id)) return id;
  }
  throw new HistoryError(`next by process ${String(operation.process)} returned ${JSON.stringify(value)}, not an id`, {
    where: `event ${operation.returnIndex}`,
    hint: 'an id is an integer, or text ending in a decimal counter such as "id-0000000042"',
  });
}

export function holderAtReturn(issued: IssuedId): IdHolder {
  const { operation } = issued;
  const at = momentOf(operation.returnIndex, operation.returnTime);
  return { process: operation.process, id: issued.id, value: operation.output, at };
}

export function holderAtCall(issued: IssuedId): IdHolder {
  const { operation } = issued;
  const at = momentOf(operation.callIndex, operation.callTime);
  return { process: operation.process, id: issued.id, value: operation.output, at };
}

/** "5", "5 to 9", "5 to 9, 12 and 20" (at most five ranges, then a count of the rest). */
export function describeRanges(ranges: ReadonlyArray<readonly [number, number]>): string {
  const shown = ranges.slice(0, 5).map(([from, to]) => (from === to ? `${from}` : `${from} to ${to}`));
  if (ranges.length > 5) shown.push(`${ranges.length - 5} more ranges`);
  if (shown.length === 1) return shown[0]!;
  return `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}
