/**
 * The text logs of the old (2014/15) Clojure Jepsen, where each operation is
 * a log line such as `INFO  jepsen.util - 3\t:invoke\t:read\tnil` (tabs, or
 * runs of spaces). Every other line of the log is skipped. Conversion follows
 * shared/histories/README.md: an info or fail completion that prints a reason
 * (`:timed-out`) instead of a value gets the invocation's value, and the
 * reason goes into `error`.
 */
import { EdnParser } from './edn-parser.js';
import { type EventBatches, flattenBatches, type LineReadOptions, readLineBatches } from './files.js';
import type { EventSource, HistoryEvent } from './types.js';

const MARKER = 'jepsen.util - ';

/** The part of a log line after the marker, split into its fields. */
interface OperationLine {
  process: number | string;
  type: string;
  f: string;
  /** Value and optional error, as EDN text. */
  rest: string;
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9;
}

/** Up to three space-separated fields, then the rest; undefined when the line is no op. */
function splitOperationLine(line: string): OperationLine | undefined {
  const at = line.indexOf(MARKER);
  if (at === -1) return undefined;
  const fields: string[] = [];
  let position = at + MARKER.length;
  while (fields.length < 3) {
    while (position < line.length && isSpace(line.charCodeAt(position))) position += 1;
    const start = position;
    while (position < line.length && !isSpace(line.charCodeAt(position))) position += 1;
    if (start === position) return undefined;
    fields.push(line.slice(start, position));
  }
  const [processField = '', typeField = '', fField = ''] = fields;
  const process = parseProcess(processField);
  if (process === undefined || !isKeyword(typeField) || !isKeyword(fField)) return undefined;
  return { process, type: typeField.slice(1), f: fField.slice(1), rest: line.slice(position) };
}

function isKeyword(field: string): boolean {
  return field.length > 1 && field.charCodeAt(0) === 58;
}

function parseProcess(field: string): number | string | undefined {
  if (isKeyword(field)) return field.slice(1);
  const start = field.charCodeAt(0) === 45 ? 1 : 0;
  if (start === field.length) return undefined;
  for (let position = start; position < field.length; position++) {
    const code = field.charCodeAt(position);
    if (code < 48 || code > 57) return undefined;
  }
  const process = Number(field);
  // Too large to be exact: kept as its digits, which the validator then refuses, rather than skipped.
  return Number.isSafeInteger(process) ? process : field;
}

/** Value (EDN, required to parse) and error (EDN when it parses, else its text). */
function parseRest(rest: string, source: EventSource): { value: unknown; error: unknown; keyword: boolean } {
  const parser = new EdnParser(source.file);
  parser.text = rest;
  parser.line = source.line;
  parser.final = true;
  parser.skipBlank();
  if (parser.atEnd()) return { value: undefined, error: undefined, keyword: false };
  const keyword = parser.peek() === 58;
  const value = parser.readForm();
  parser.skipBlank();
  if (parser.atEnd()) return { value, error: undefined, keyword };
  const errorText = rest.slice(parser.position).trim();
  let error: unknown = errorText;
  try {
    const form = parser.readForm();
    parser.skipBlank();
    if (parser.atEnd()) error = form;
  } catch {
    // Exception messages are free text, not EDN; keep them as they are.
  }
  return { value, error, keyword };
}

/** Applies the conversion conventions and builds the event record. */
function operationRecord(
  operation: OperationLine,
  source: EventSource,
  openValues: Map<number, unknown>,
): Record<string, unknown> {
  const parsed = parseRest(operation.rest, source);
  let { value, error } = parsed;
  const { process, type, f } = operation;
  if (typeof process === 'number') {
    if (type === 'invoke') {
      openValues.set(process, value);
    } else {
      const invoked = openValues.get(process);
      openValues.delete(process);
      if ((type === 'fail' || type === 'info') && error === undefined && (parsed.keyword || value === undefined)) {
        error = value;
        value = invoked;
      }
    }
  }
  const record: Record<string, unknown> = { process, type, f };
  if (value !== undefined) record['value'] = value;
  if (error !== undefined) record['error'] = error;
  return record;
}

/** Validated events of a Jepsen text log, in batches. */
export function readJepsenLogBatches(file: string, options: LineReadOptions = {}): EventBatches {
  const openValues = new Map<number, unknown>();
  return readLineBatches(
    file,
    (line, source) => {
      const operation = splitOperationLine(line);
      return operation === undefined ? undefined : operationRecord(operation, source, openValues);
    },
    options,
  );
}

/** Validated events of a Jepsen text log, one at a time. */
export function readJepsenLog(file: string): AsyncGenerator<HistoryEvent, void, undefined> {
  return flattenBatches(readJepsenLogBatches(file));
}
