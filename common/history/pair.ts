/**
 * Pairs each invocation with its completion into an Operation, the unit the
 * checkers work on. Events of named processes (the nemesis) are set aside.
 */
import { HistoryError } from '../errors.js';
import type { HistoryEvent, Operation } from './types.js';

export interface PairedHistory {
  /** Client operations in invocation order; id is the position. */
  operations: Operation[];
  /** Events of processes that are not clients (process is a name, e.g. "nemesis"). */
  nemesis: HistoryEvent[];
  /** Every event read, client and nemesis. */
  events: number;
}

const PAIRING_HINT =
  'each process invokes one operation at a time, and a completion follows the invoke of the same process';

/** Builds operations as events arrive, so a reader need not keep the events. */
export class OperationPairer {
  private readonly operations: Operation[] = [];
  private readonly nemesis: HistoryEvent[] = [];
  /** Set to undefined rather than deleted: Map deletion is slow on this hot path. */
  private readonly open = new Map<number, Operation | undefined>();
  private events = 0;
  /** Whether operations arrived in call order so far (they do when indexes increase): no sort needed. */
  private sorted = true;

  add(event: HistoryEvent): void {
    this.events += 1;
    const process = event.process;
    if (typeof process !== 'number') {
      this.nemesis.push(event);
      return;
    }
    if (event.type === 'invoke') this.invoke(process, event);
    else this.complete(process, event);
  }

  private invoke(process: number, event: HistoryEvent): void {
    if (this.open.get(process) !== undefined) {
      throw new HistoryError(`process ${process} invokes while an operation of it is still open`, {
        where: `event ${event.index}`,
        hint: PAIRING_HINT,
      });
    }
    const previous = this.operations[this.operations.length - 1];
    if (previous !== undefined && previous.callIndex > event.index) this.sorted = false;
    const operation: Operation = {
      // The position, and final unless finish() must sort: a pass over a million scattered objects saved.
      id: this.operations.length,
      process,
      f: event.f,
      input: event.value,
      output: event.value,
      status: 'info',
      callIndex: event.index,
      returnIndex: Number.POSITIVE_INFINITY,
    };
    if (event.key !== undefined) operation.key = event.key;
    if (event.time !== undefined) operation.callTime = event.time;
    this.open.set(process, operation);
    this.operations.push(operation);
  }

  private complete(process: number, event: HistoryEvent): void {
    const operation = this.open.get(process);
    if (operation === undefined || operation.f !== event.f) {
      const problem = operation === undefined ? 'no open invoke' : `no open invoke of "${event.f}"`;
      throw new HistoryError(`${event.type} for process ${process} has ${problem}`, {
        where: `event ${event.index}`,
        hint: PAIRING_HINT,
      });
    }
    this.open.set(process, undefined);
    if (operation.key === undefined && event.key !== undefined) operation.key = event.key;
    if (event.error !== undefined) operation.error = event.error;
    // An info operation may take effect at any later time: it stays open to the end.
    if (event.type === 'info') return;
    operation.status = event.type === 'ok' ? 'ok' : 'fail';
    operation.output = event.value;
    operation.returnIndex = event.index;
    if (event.time !== undefined) operation.returnTime = event.time;
  }

  /** The operations so far; those still open count as info. */
  finish(): PairedHistory {
    const operations = this.operations;
    if (!this.sorted) {
      operations.sort((left, right) => left.callIndex - right.callIndex);
      for (let position = 0; position < operations.length; position++) operations[position]!.id = position;
    }
    return { operations, nemesis: this.nemesis, events: this.events };
  }
}

/**
 * V8 stores a field that first held a small integer as one, and when a larger
 * number arrives (a time in nanoseconds past 2.1 s) it rebuilds the layout and
 * moves every object made before onto it, one at a time, on first touch: on a
 * 100k-operation history the first pass over the operations (groupByKey) took
 * 60 ms of a 250 ms search that way. Operations paired once here, with times
 * that are not integers, make both time fields doubles from the start, along
 * each order in which the pairer adds fields.
 */
function settleTimeFields(): void {
  for (const key of ['key', undefined]) {
    for (const error of [undefined, 'error']) {
      const pairer = new OperationPairer();
      pairer.add({ index: 0, time: 0.5, process: 0, type: 'invoke', f: 'f', ...(key === undefined ? {} : { key }), value: null });
      pairer.add({ index: 1, time: 1.5, process: 0, type: 'ok', f: 'f', value: null, ...(error === undefined ? {} : { error }) });
    }
  }
}
settleTimeFields();

/** Pairs an in-memory history (events in history order). */
export function pairEvents(events: Iterable<HistoryEvent>): PairedHistory {
  const pairer = new OperationPairer();
  for (const event of events) pairer.add(event);
  return pairer.finish();
}
