/**
 * File plumbing shared by the readers: streaming lines, turning I/O failures
 * into HistoryErrors, and handing events over in batches so that the
 * per-event cost of async iteration is paid once per batch.
 */
import assert from 'node:assert/strict';
import { open, stat } from 'node:fs/promises';
import { FaultlineError, HistoryError } from '../errors.js';
import { type ByteRange, LINE_CHUNK_BYTES, readLineChunks } from './lines.js';
import type { EventSource, HistoryEvent } from './types.js';
import { HistoryValidator } from './validate.js';

/** Events per batch: large enough to amortize a promise, small enough to stream. */
export const BATCH_SIZE = 1024;

export type EventBatches = AsyncGenerator<HistoryEvent[], void, undefined>;

interface SystemError extends Error {
  code: string;
}

function isSystemError(error: unknown): error is SystemError {
  // FaultlineErrors carry a code too ("E_HISTORY"); they are already what we want.
  return (
    error instanceof Error &&
    !(error instanceof FaultlineError) &&
    typeof (error as Partial<SystemError>).code === 'string'
  );
}

/** Turns a failure to read the file into a HistoryError; other errors pass unchanged. */
export function readFailure(error: unknown, file: string): unknown {
  if (!isSystemError(error)) return error;
  if (error.code === 'ENOENT') {
    return new HistoryError(`history file not found: ${file}`, {
      where: file,
      hint: 'check the path; a run keeps its history in runs/<id>/history.jsonl',
    });
  }
  if (error.code === 'EISDIR') {
    return new HistoryError(`${file} is a directory, not a history file`, {
      where: file,
      hint: 'give the history file itself, e.g. runs/<id>/history.jsonl',
    });
  }
  return new HistoryError(`cannot read ${file}: ${error.message}`, {
    where: file,
    hint: 'check that the file exists and is readable',
  });
}

/** Fails early, with a clear message, when the path is not a readable file. */
export async function checkHistoryFile(file: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(file)).isFile();
  } catch (error) {
    throw readFailure(error, file);
  }
  if (!isFile) {
    throw new HistoryError(`${file} is not a regular file`, {
      where: file,
      hint: 'give the history file itself, e.g. runs/<id>/history.jsonl',
    });
  }
}

/** True for a line with nothing but whitespace; cheap for the common case. */
export function isBlankLine(line: string): boolean {
  if (line.length === 0) return true;
  const first = line.charCodeAt(0);
  // Only lines that start with whitespace (or a BOM) can be blank.
  if (first > 32 && first !== 0xfeff) return false;
  return line.trim().length === 0;
}

/** One event at a time, from batches. */
export async function* flattenBatches(
  batches: AsyncIterable<HistoryEvent[]>,
): AsyncGenerator<HistoryEvent, void, undefined> {
  for await (const batch of batches) yield* batch;
}

/** The last line of a history, cut short: what a writer killed mid-line (SIGKILL) leaves. */
export interface CutLine {
  file: string;
  /** The cut line's number; the history is judged up to the line before it. */
  line: number;
  /** One sentence for a warning, naming file:line. */
  message: string;
}

export interface LineReadOptions {
  /**
   * Given, a last line that has no newline and does not parse is taken as cut
   * short: the history ends at the line before it, and this is told why.
   * Absent, such a line is an error like any other.
   */
  onCut?: (cut: CutLine) => void;
}

/** The first line that did not parse, and whether any line (even a blank one) follows it. */
export interface UnparsedLine {
  line: number;
  text: string;
  followed: boolean;
  /** The parse error, when the thread that parsed it could keep it; else the line is parsed again for it. */
  error?: unknown;
}

/** Parsed lines in order: each line's record (undefined for a line that holds none) and number. */
export interface RecordChunk {
  records: unknown[];
  lines: ArrayLike<number>;
}

/** Record chunks up to the end or the first line that did not parse; returns that line and the lines read. */
export type RecordSource = AsyncGenerator<RecordChunk, { lineCount: number; unparsed?: UnparsedLine }, undefined>;

export type ToRecord = (line: string, source: EventSource) => unknown;

/**
 * The lines of a file (or of a range of it) parsed by toRecord in this
 * thread, stopping at the first that does not parse once it is known whether
 * another line follows it.
 */
export async function* parseLines(file: string, toRecord: ToRecord, range?: ByteRange): RecordSource {
  const source: EventSource = { file, line: 0 };
  let unparsed: UnparsedLine | undefined;
  for await (const lines of readLineChunks(file, LINE_CHUNK_BYTES, range)) {
    const chunk: RecordChunk = { records: [], lines: [] };
    const numbers = chunk.lines as number[];
    for (const line of lines) {
      source.line += 1;
      if (unparsed !== undefined) {
        yield chunk;
        return { lineCount: source.line, unparsed: { ...unparsed, followed: true } };
      }
      try {
        chunk.records.push(toRecord(line, source));
        numbers.push(source.line);
      } catch (error) {
        unparsed = { line: source.line, text: line, followed: false, error };
      }
    }
    yield chunk;
  }
  return unparsed === undefined ? { lineCount: source.line } : { lineCount: source.line, unparsed };
}

/**
 * Validated events of a line-oriented history, in batches: toRecord turns a
 * line into a raw event record, or undefined for a line that holds none.
 * When a line is bad, the events before it are handed over before the error,
 * so a reader that shows what it can (the report) needs no second parser.
 */
export function readLineBatches(file: string, toRecord: ToRecord, options: LineReadOptions = {}): EventBatches {
  return acceptRecords(file, parseLines(file, toRecord), toRecord, options);
}

/**
 * The records of a source validated in order and handed over in batches. A
 * last line that does not parse is a cut (options.onCut) only if nothing, not
 * even a newline, follows it; any other is an error naming file:line.
 */
export async function* acceptRecords(file: string, records: RecordSource, toRecord: ToRecord, options: LineReadOptions): EventBatches {
  const validator = new HistoryValidator();
  const source: EventSource = { file, line: 0 };
  let batch: HistoryEvent[] = [];
  let cut: number | undefined;
  try {
    let step = await records.next();
    for (; step.done !== true; step = await records.next()) {
      const { records: items, lines } = step.value;
      for (let at = 0; at < items.length; at++) {
        const record = items[at];
        if (record === undefined) continue;
        source.line = lines[at]!;
        batch.push(validator.accept(record, source));
        if (batch.length < BATCH_SIZE) continue;
        yield batch;
        batch = [];
      }
    }
    const unparsed = step.value.unparsed;
    if (unparsed !== undefined) {
      if (options.onCut === undefined || unparsed.followed || (await endsWithNewline(file))) throw parseError(file, unparsed, toRecord);
      cut = unparsed.line;
    }
  } catch (error) {
    if (batch.length > 0) yield batch;
    throw readFailure(error, file);
  } finally {
    await records.return({ lineCount: 0 });
  }
  if (cut !== undefined) options.onCut?.(cutLine(file, cut));
  if (batch.length > 0) yield batch;
}

/** The error of a line that did not parse, parsing it again where the error stayed in another thread. */
function parseError(file: string, unparsed: UnparsedLine, toRecord: ToRecord): unknown {
  if (unparsed.error !== undefined) return unparsed.error;
  try {
    toRecord(unparsed.text, { file, line: unparsed.line });
  } catch (error) {
    return error;
  }
  assert.fail(`${file}:${unparsed.line} did not parse in a worker but parses here`);
}

function cutLine(file: string, line: number): CutLine {
  const message =
    `${file}:${line}: the last line is cut short (no newline, and it does not parse), as a process killed while ` +
    `writing leaves it; judged up to line ${line - 1}, the last complete event`;
  return { file, line, message };
}

async function endsWithNewline(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return true;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 10 || last[0] === 13;
  } finally {
    await handle.close();
  }
}
