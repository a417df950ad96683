/**
 * The rules every history reader enforces, one event at a time, so that a
 * broken history is reported at its line instead of confusing a checker later.
 */
import { HistoryError } from '../errors.js';
import type { EventSource, HistoryEvent } from './types.js';

const TYPE_HINT = 'type must be one of "invoke", "ok", "fail", "info"';
const PAIRING_HINT =
  'each process invokes one operation at a time, and a completion (ok, fail, info) ' +
  'follows the invoke of the same process';

/** A client's open invocation, remembered for pairing and for messages. */
interface OpenInvocation {
  f: string;
  line: number;
}

/** Short, safe rendering of a user's value for an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = typeof value;
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function locate(source: EventSource): string {
  return `${source.file}:${source.line}`;
}

/**
 * Fed the parsed records of one history in order. Returns each record as a
 * HistoryEvent (the same object, so the per-line path allocates nothing) or
 * throws a HistoryError naming file:line.
 */
export class HistoryValidator {
  /** Set to undefined rather than deleted: Map deletion is slow on this hot path. */
  private readonly open = new Map<number, OpenInvocation | undefined>();
  /** Processes whose operation ended in info, with the line where it did. */
  private readonly retired = new Map<number, number>();
  private position = 0;
  private lastIndex = -1;

  /** How many events have been accepted. */
  get count(): number {
    return this.position;
  }

  accept(record: unknown, source: EventSource): HistoryEvent {
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      throw new HistoryError(`an event must be an object, found ${describeValue(record)}`, {
        where: locate(source),
        hint: 'write one event per line: {"process":0,"type":"invoke","f":"read","value":null}',
      });
    }
    const event = record as Record<string, unknown>;
    const process = event['process'];
    const type = event['type'];
    const f = event['f'];
    checkProcess(process, source);
    if (typeof type !== 'string') throw fieldError('type', type, TYPE_HINT, source);
    if (typeof f !== 'string') {
      throw fieldError('f', f, 'f names the operation, as a string, e.g. "read"', source);
    }
    this.checkIndex(event, source);
    checkOptionalFields(event, source);
    if (typeof process === 'number') this.checkPairing(process, type, f, source);
    else if (type !== 'invoke' && type !== 'ok' && type !== 'fail' && type !== 'info') {
      throw unknownType(type, source);
    }
    this.position += 1;
    return event as unknown as HistoryEvent;
  }

  private checkIndex(event: Record<string, unknown>, source: EventSource): void {
    let index = event['index'];
    if (index === undefined) {
      index = this.position;
      event['index'] = index;
    } else if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) {
      throw fieldError('index', index, 'index is the 0-based position of the event', source);
    }
    if ((index as number) <= this.lastIndex) {
      throw new HistoryError(
        `index ${index as number} does not increase (the previous event has ${this.lastIndex})`,
        { where: locate(source), hint: 'events must be in history order, with increasing indexes' },
      );
    }
    this.lastIndex = index as number;
  }

  private checkPairing(process: number, type: string, f: string, source: EventSource): void {
    const open = this.open.get(process);
    if (type === 'invoke') {
      if (open !== undefined) {
        throw new HistoryError(
          `process ${process} invokes "${f}" while its invoke at line ${open.line} is still open`,
          { where: locate(source), hint: PAIRING_HINT },
        );
      }
      const retiredAt = this.retired.get(process);
      if (retiredAt !== undefined) {
        throw new HistoryError(
          `process ${process} invokes again after its operation ended in info at line ${retiredAt}`,
          {
            where: locate(source),
            hint: 'after an info completion a process is never used again; continue under a fresh process number, as Jepsen does',
          },
        );
      }
      this.open.set(process, { f, line: source.line });
      return;
    }
    if (type !== 'ok' && type !== 'fail' && type !== 'info') throw unknownType(type, source);
    this.checkCompletion(open, process, type, f, source);
  }

  private checkCompletion(
    open: OpenInvocation | undefined,
    process: number,
    type: string,
    f: string,
    source: EventSource,
  ): void {
    if (open === undefined) {
      const retiredAt = this.retired.get(process);
      const why = retiredAt === undefined ? '' : ` (its operation ended in info at line ${retiredAt})`;
      throw new HistoryError(`${type} for process ${process} has no open invoke${why}`, {
        where: locate(source),
        hint: PAIRING_HINT,
      });
    }
    if (open.f !== f) {
      throw new HistoryError(
        `${type} has f "${f}" but the open invoke of process ${process} (line ${open.line}) has f "${open.f}"`,
        { where: locate(source), hint: 'a completion repeats the f of its invoke' },
      );
    }
    this.open.set(process, undefined);
    if (type === 'info') this.retired.set(process, source.line);
  }
}

function checkProcess(process: unknown, source: EventSource): void {
  if (typeof process === 'number' && Number.isInteger(process)) return;
  if (typeof process === 'string') {
    const first = process.charCodeAt(0);
    // A quoted client number would silently turn every client op into a nemesis event.
    if (!(first >= 48 && first <= 57)) return;
    throw new HistoryError(`process "${process}" is a string; client processes are numbers`, {
      where: locate(source),
      hint: `write "process":${process} without quotes; names (such as "nemesis") are for events that are not client operations`,
    });
  }
  throw fieldError(
    'process',
    process,
    'process is a client number, or a name such as "nemesis" for events that are not client operations',
    source,
  );
}

function checkOptionalFields(event: Record<string, unknown>, source: EventSource): void {
  const time = event['time'];
  if (time !== undefined && (typeof time !== 'number' || !Number.isFinite(time))) {
    throw fieldError('time', time, 'time is nanoseconds since the run started, a number', source);
  }
  const key = event['key'];
  if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') {
    if (key !== null) {
      throw fieldError('key', key, 'key is an independent key: a string or a number', source);
    }
    delete event['key'];
  }
}

function fieldError(name: string, value: unknown, hint: string, source: EventSource): HistoryError {
  const problem =
    value === undefined
      ? `event has no "${name}"`
      : typeof value === 'number' && !Number.isFinite(value)
        ? outOfRange(name, value)
        : `"${name}" cannot be ${describeValue(value)}`;
  return new HistoryError(problem, { where: locate(source), hint });
}

/** JSON.parse reads a number beyond a double's range (1e400) as Infinity, which would print as "null". */
function outOfRange(name: string, value: number): string {
  const sign = value > 0 ? '' : 'negative ';
  return `"${name}" is out of range: a ${sign}number too large to hold (beyond ±1.8e308)`;
}

function unknownType(type: string, source: EventSource): HistoryError {
  return new HistoryError(`unknown event type ${describeValue(type)}`, {
    where: locate(source),
    hint: TYPE_HINT,
  });
}
