/**
 * JSONL lines parsed in a worker thread and handed to the main thread as
 * columns: structured clone copies a few typed arrays and string arrays far
 * faster than it copies a million small objects. A line of the usual shape
 * (a client or nemesis event whose fields are numbers, strings or null) is
 * encoded field by field; any other line (malformed JSON, a blank line, an
 * odd field) travels as its raw text, and the main thread parses it exactly as
 * the one-thread reader does, so errors and cut lines read the same.
 */
import { parseExactEvent } from './exact-json.js';

/** Bits of a line's shape; a shape of 0 is a raw line (its text is the next string). */
const ENCODED = 1;
const HAS_INDEX = 2;
const HAS_TIME = 4;
const PROCESS_NUMBER = 8;
const KEY_STRING = 16;
const KEY_NUMBER = 32;
const VALUE_NULL = 64;
const VALUE_STRING = 128;
const VALUE_NUMBER = 256;
const VALUE_OTHER = 512;
const ERROR_STRING = 1024;
const NODE_STRING = 2048;

const FIELDS: ReadonlySet<string> = new Set(['index', 'time', 'process', 'type', 'f', 'key', 'value', 'error', 'node']);
/** Numbers a line can take at most: index, time, process, key, value. */
const NUMBERS_PER_LINE = 5;

export interface LineColumns {
  /** One per line. */
  shapes: Uint16Array;
  numbers: Float64Array;
  /** Values of string fields and raw lines, in line order. */
  strings: string[];
  /** Ids into symbols of type, f, string keys and nodes, which repeat. */
  symbolIds: Uint32Array;
  symbols: string[];
  /** Values that are neither null, a string nor a number (arrays, objects, booleans). */
  others: unknown[];
}

/** Encodes a chunk of lines; the parse is parseExactEvent's, so values are exactly what one thread reads. */
export function encodeLines(lines: readonly string[]): LineColumns {
  const shapes = new Uint16Array(lines.length);
  const numbers = new Float64Array(lines.length * NUMBERS_PER_LINE);
  const symbolIds = new Uint32Array(lines.length * 4);
  const encoder = { numbers, numberCount: 0, symbolIds, symbolCount: 0, strings: [] as string[], others: [] as unknown[], symbols: new Map<string, number>() };
  for (let position = 0; position < lines.length; position++) {
    const line = lines[position]!;
    const record = parseOrUndefined(line);
    const shape = record === undefined ? 0 : encodeRecord(record, encoder);
    shapes[position] = shape;
    if (shape === 0) encoder.strings.push(line);
  }
  return {
    shapes,
    numbers: numbers.slice(0, encoder.numberCount),
    strings: encoder.strings,
    symbolIds: symbolIds.slice(0, encoder.symbolCount),
    symbols: [...encoder.symbols.keys()],
    others: encoder.others,
  };
}

function parseOrUndefined(line: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = parseExactEvent(line);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
}

interface Encoder {
  numbers: Float64Array;
  numberCount: number;
  symbolIds: Uint32Array;
  symbolCount: number;
  strings: string[];
  others: unknown[];
  symbols: Map<string, number>;
}

function symbol(encoder: Encoder, text: string): void {
  let id = encoder.symbols.get(text);
  if (id === undefined) {
    id = encoder.symbols.size;
    encoder.symbols.set(text, id);
  }
  encoder.symbolIds[encoder.symbolCount++] = id;
}

/** The line's shape, its fields appended to the columns; 0 (nothing appended) when it is not of the usual shape. */
function encodeRecord(record: Record<string, unknown>, encoder: Encoder): number {
  const { index, time, process, type, f, key, value, error, node } = record;
  if (typeof type !== 'string' || typeof f !== 'string') return 0;
  if (index !== undefined && typeof index !== 'number') return 0;
  if (time !== undefined && typeof time !== 'number') return 0;
  if (typeof process !== 'number' && typeof process !== 'string') return 0;
  if (key !== undefined && typeof key !== 'string' && typeof key !== 'number') return 0;
  if (error !== undefined && typeof error !== 'string') return 0;
  if (node !== undefined && typeof node !== 'string') return 0;
  for (const name in record) if (!FIELDS.has(name)) return 0;
  let shape = ENCODED;
  const numbers = encoder.numbers;
  if (index !== undefined) (shape |= HAS_INDEX), (numbers[encoder.numberCount++] = index);
  if (time !== undefined) (shape |= HAS_TIME), (numbers[encoder.numberCount++] = time);
  if (typeof process === 'number') (shape |= PROCESS_NUMBER), (numbers[encoder.numberCount++] = process);
  else encoder.strings.push(process);
  symbol(encoder, type);
  symbol(encoder, f);
  if (typeof key === 'string') (shape |= KEY_STRING), symbol(encoder, key);
  else if (typeof key === 'number') (shape |= KEY_NUMBER), (numbers[encoder.numberCount++] = key);
  if (value === null) shape |= VALUE_NULL;
  else if (typeof value === 'string') (shape |= VALUE_STRING), encoder.strings.push(value);
  else if (typeof value === 'number') (shape |= VALUE_NUMBER), (numbers[encoder.numberCount++] = value);
  else if (value !== undefined) (shape |= VALUE_OTHER), encoder.others.push(value);
  if (error !== undefined) (shape |= ERROR_STRING), encoder.strings.push(error);
  if (node !== undefined) (shape |= NODE_STRING), symbol(encoder, node);
  return shape;
}

/** A line as the main thread gets it back: its raw text, or the record its JSON held. */
export type LineItem = string | Record<string, unknown>;

/** The lines of a chunk, in order, as raw text or as records equal to what JSON.parse made of them. */
export function decodeLines(columns: LineColumns): LineItem[] {
  const { shapes, numbers, strings, symbolIds, symbols, others } = columns;
  const items: LineItem[] = new Array(shapes.length);
  let number = 0;
  let text = 0;
  let id = 0;
  let other = 0;
  for (let position = 0; position < shapes.length; position++) {
    const shape = shapes[position]!;
    if (shape === 0) {
      items[position] = strings[text++]!;
      continue;
    }
    const record: Record<string, unknown> = {};
    if ((shape & HAS_INDEX) !== 0) record['index'] = numbers[number++];
    if ((shape & HAS_TIME) !== 0) record['time'] = numbers[number++];
    record['process'] = (shape & PROCESS_NUMBER) !== 0 ? numbers[number++] : strings[text++];
    record['type'] = symbols[symbolIds[id++]!];
    record['f'] = symbols[symbolIds[id++]!];
    if ((shape & KEY_STRING) !== 0) record['key'] = symbols[symbolIds[id++]!];
    else if ((shape & KEY_NUMBER) !== 0) record['key'] = numbers[number++];
    if ((shape & VALUE_NULL) !== 0) record['value'] = null;
    else if ((shape & VALUE_STRING) !== 0) record['value'] = strings[text++];
    else if ((shape & VALUE_NUMBER) !== 0) record['value'] = numbers[number++];
    else if ((shape & VALUE_OTHER) !== 0) record['value'] = others[other++];
    if ((shape & ERROR_STRING) !== 0) record['error'] = strings[text++];
    if ((shape & NODE_STRING) !== 0) record['node'] = symbols[symbolIds[id++]!];
    items[position] = record;
  }
  return items;
}
