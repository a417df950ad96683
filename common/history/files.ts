/**
 * File plumbing shared by the readers: streaming lines, turning I/O failures
 * into HistoryErrors, and handing events over in batches so that the
 * per-event cost of async iteration is paid once per batch.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { FaultlineError, HistoryError } from '../errors.js';
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

/** A line interface over a file stream, and how to release both. */
export function openLines(file: string): { lines: AsyncIterable<string>; close: () => void } {
  const input = createReadStream(file);
  const lines = createInterface({ input, crlfDelay: Infinity });
  return {
    lines,
    close: () => {
      lines.close();
      input.destroy();
    },
  };
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

/**
 * Validated events of a line-oriented history, in batches: toRecord turns a
 * line into a raw event record, or undefined for a line that holds none.
 */
export async function* readLineBatches(
  file: string,
  toRecord: (line: string, source: EventSource) => unknown,
): EventBatches {
  const validator = new HistoryValidator();
  const source: EventSource = { file, line: 0 };
  const { lines, close } = openLines(file);
  let batch: HistoryEvent[] = [];
  try {
    for await (const line of lines) {
      source.line += 1;
      const record = toRecord(line, source);
      if (record === undefined) continue;
      batch.push(validator.accept(record, source));
      if (batch.length >= BATCH_SIZE) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    throw readFailure(error, file);
  } finally {
    close();
  }
  if (batch.length > 0) yield batch;
}
