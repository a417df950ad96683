/**
 * Acknowledged writes and the node that served each. A history names the
 * server in an optional `node` field of the completion (or invocation) event;
 * a write is counted for a leadership window only when it was both invoked
 * and acknowledged inside it, so it certainly ran while that node led.
 */
import type { HistoryEvent, Operation, ProcessId } from '../../common/history/types.js';

export interface AcknowledgedWrite {
  process: ProcessId;
  f: string;
  key?: string | number;
  value: unknown;
  node: string;
  callSeconds: number;
  returnSeconds: number;
}

export const DEFAULT_WRITE_FUNCTIONS = ['write', 'cas', 'put', 'set', 'create', 'delete', 'acquire', 'release', 'next'];

export interface WritesByNode {
  /** Each node's ok writes with times, by invocation time. */
  byNode: Map<string, AcknowledgedWrite[]>;
  /** Whether any event of the history names a node at all. */
  attributed: boolean;
}

export function writesByNode(
  operations: readonly Operation[],
  events: readonly HistoryEvent[],
  writeFunctions: readonly string[],
): WritesByNode {
  const nodeAt = new Map<number, string>();
  for (const event of events) {
    const node = (event as { node?: unknown }).node;
    if (typeof node === 'string' || typeof node === 'number') nodeAt.set(event.index, String(node));
  }
  const writeSet = new Set(writeFunctions);
  const byNode = new Map<string, AcknowledgedWrite[]>();
  for (const operation of operations) {
    if (operation.status !== 'ok' || !writeSet.has(operation.f)) continue;
    if (operation.callTime === undefined || operation.returnTime === undefined) continue;
    const node = nodeAt.get(operation.returnIndex) ?? nodeAt.get(operation.callIndex);
    if (node === undefined) continue;
    let writes = byNode.get(node);
    if (writes === undefined) byNode.set(node, (writes = []));
    writes.push(acknowledged(operation, node));
  }
  for (const writes of byNode.values()) writes.sort((left, right) => left.callSeconds - right.callSeconds);
  return { byNode, attributed: nodeAt.size > 0 };
}

function acknowledged(operation: Operation, node: string): AcknowledgedWrite {
  const write: AcknowledgedWrite = {
    process: operation.process,
    f: operation.f,
    value: operation.output ?? operation.input ?? null,
    node,
    callSeconds: operation.callTime! / 1e9,
    returnSeconds: operation.returnTime! / 1e9,
  };
  if (operation.key !== undefined) write.key = operation.key;
  return write;
}

/** The node's writes invoked and acknowledged within [fromSeconds, toSeconds]. */
export function writesWithin(
  writes: readonly AcknowledgedWrite[] | undefined,
  fromSeconds: number,
  toSeconds: number,
): AcknowledgedWrite[] {
  if (writes === undefined) return [];
  let low = 0;
  let high = writes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (writes[middle]!.callSeconds < fromSeconds) low = middle + 1;
    else high = middle;
  }
  const within: AcknowledgedWrite[] = [];
  for (let position = low; position < writes.length && writes[position]!.callSeconds <= toSeconds; position++) {
    if (writes[position]!.returnSeconds <= toSeconds) within.push(writes[position]!);
  }
  return within;
}
