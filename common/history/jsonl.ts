/**
 * faultline's own history format (DESIGN.md): JSON Lines, one event per line.
 * This is the hot path for million-operation histories, so each line costs one
 * JSON.parse and a few type checks (exact-json.ts: a second parse only for a
 * line with an integer beyond 2^53).
 */
import { HistoryError } from '../errors.js';
import { parseExactEvent } from './exact-json.js';
import { acceptRecords, type EventBatches, flattenBatches, isBlankLine, type LineReadOptions, parseLines, type RecordSource } from './files.js';
import { parallelRecords, type ParallelParseOptions, parseRanges } from './jsonl-parallel.js';
import type { EventSource, HistoryEvent } from './types.js';
import { locate } from './validate.js';

export interface JsonlReadOptions extends LineReadOptions {
  /** How a large file is parsed on several threads (jsonl-parallel.ts); threads 1 parses in this thread only. */
  parallel?: ParallelParseOptions;
}

function toRecord(line: string, source: EventSource): unknown {
  return isBlankLine(line) ? undefined : parseLine(line, source);
}

/** Validated events of a JSONL history, in batches. */
export function readJsonlBatches(file: string, options: JsonlReadOptions = {}): EventBatches {
  return acceptRecords(file, jsonlRecords(file, options.parallel ?? {}), toRecord, options);
}

async function* jsonlRecords(file: string, parallel: ParallelParseOptions): RecordSource {
  const ranges = await parseRanges(file, parallel);
  return yield* ranges.length > 1 ? parallelRecords(file, toRecord, ranges, parallel) : parseLines(file, toRecord);
}

/** Validated events of a JSONL history, one at a time. */
export function readJsonl(file: string): AsyncGenerator<HistoryEvent, void, undefined> {
  return flattenBatches(readJsonlBatches(file));
}

function parseLine(line: string, source: EventSource): unknown {
  try {
    return parseExactEvent(line);
  } catch (error) {
    // A byte-order mark is legal at the start of a UTF-8 file, not inside JSON.
    if (source.line === 1 && line.charCodeAt(0) === 0xfeff) {
      try {
        return parseExactEvent(line.slice(1));
      } catch {
        // Reported below, as any other malformed line.
      }
    }
    throw malformedLine(line, error, source);
  }
}

function malformedLine(line: string, error: unknown, source: EventSource): HistoryError {
  const reason = error instanceof Error ? error.message : String(error);
  const hint = line.trimStart().startsWith('[')
    ? 'this looks like a JSON array; a history is JSON Lines: one event object per line'
    : 'each line must be one complete JSON object; was the file cut short or edited by hand?';
  return new HistoryError(`malformed JSON: ${reason}`, { where: locate(source), hint });
}

const FIELD_ORDER = ['index', 'time', 'process', 'type', 'f', 'key', 'value', 'error', 'node'] as const;

/**
 * One JSONL line (no newline) with the keys in DESIGN.md's order; absent
 * (undefined) fields are left out, null is kept.
 */
export function formatEvent(event: HistoryEvent): string {
  let text = '{';
  for (const name of FIELD_ORDER) {
    const value = event[name];
    if (value === undefined) continue;
    const encoded = JSON.stringify(value);
    // Functions and symbols have no JSON form; leaving them out keeps the line valid.
    if (encoded === undefined) continue;
    if (text.length > 1) text += ',';
    text += `"${name}":${encoded}`;
  }
  return `${text}}`;
}
