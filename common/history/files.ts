/**
 * File plumbing shared by the readers: streaming lines, turning I/O failures
 * into HistoryErrors, and handing events over in batches so that the
 * per-event cost of async iteration is paid once per batch.
 */
import { open, stat } from 'node:fs/promises';
import { FaultlineError, HistoryError } from '../errors.js';
import { readLineChunks } from './lines.js';
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

/**
 * Validated events of a line-oriented history, in batches: toRecord turns a
 * line into a raw event record, or undefined for a line that holds none.
 * When a line is bad, the events before it are handed over before the error,
 * so a reader that shows what it can (the report) needs no second parser.
 */
export async function* readLineBatches(
  file: string,
  toRecord: (line: string, source: EventSource) => unknown,
  options: LineReadOptions = {},
): EventBatches {
  const validator = new HistoryValidator();
  const source: EventSource = { file, line: 0 };
  let batch: HistoryEvent[] = [];
  // A line that did not parse: a cut only if nothing, not even a newline, follows it.
  let unparsed: { error: unknown; line: number } | undefined;
  try {
    for await (const lines of readLineChunks(file)) {
      for (const line of lines) {
        source.line += 1;
        if (unparsed !== undefined) throw unparsed.error;
        let record: unknown;
        try {
          record = toRecord(line, source);
        } catch (error) {
          if (options.onCut === undefined) throw error;
          unparsed = { error, line: source.line };
          continue;
        }
        if (record === undefined) continue;
        batch.push(validator.accept(record, source));
        if (batch.length >= BATCH_SIZE) {
          yield batch;
          batch = [];
        }
      }
    }
    if (unparsed !== undefined && (await endsWithNewline(file))) throw unparsed.error;
  } catch (error) {
    if (batch.length > 0) yield batch;
    throw readFailure(error, file);
  }
  if (unparsed !== undefined) options.onCut?.(cutLine(file, unparsed.line));
  if (batch.length > 0) yield batch;
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
