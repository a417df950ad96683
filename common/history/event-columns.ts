/**
 * Parsed JSONL records packed into columns, so that a thread that parsed a
 * part of a history can hand it over for the cost of moving a few buffers:
 * posting the records themselves costs a structured clone per object, about
 * as much as parsing them again. Records of the common shape (DESIGN.md's
 * fields with their usual types) go into typed arrays and string lists;
 * anything else, whole records included, goes as a cloned value, so the
 * round trip is exact for every record (event-columns.test.ts).
 */
import assert from 'node:assert/strict';

/** What a slot holds; a record's shape says where to find the rest. */
const enum Shape {
  /** A line that holds no record (a blank line). */
  Empty = 0,
  Packed = 1,
  /** Cloned whole: not an object, or a field outside the common shape. */
  Cloned = 2,
}

/** How an optional field is held: absent, a number, a string, or a cloned value. */
const enum Slot {
  Absent = 0,
  Number = 1,
  String = 2,
  Null = 3,
  Cloned = 4,
}

/** One batch of records, every array owned by the batch (transferable). */
export interface PackedRecords {
  count: number;
  /** Line numbers within the part, 1-based. */
  lines: Uint32Array;
  shapes: Uint8Array;
  index: Float64Array;
  time: Float64Array;
  /** Slot kinds of process, key, value, error and node, five per record. */
  slots: Uint8Array;
  /** Numbers of process, key and value, three per record. */
  numbers: Float64Array;
  /**
   * Strings of type, f, process, key, value, error and node, seven per
   * record: from 0 up a position in the few common strings both sides keep,
   * below 0 one in this batch's texts (-1 the first).
   */
  strings: Int32Array;
  /** Common strings first seen in this batch, appended to those both sides keep. */
  newStrings: string[];
  /** Keys first seen in this batch, appended to the key table both sides keep (a key's code is its place there). */
  newKeys: string[];
  texts: string[];
  cloned: unknown[];
}

/** Common strings at most: a scan of this many is still cheaper than hashing a fresh string. */
const MAX_COMMON_STRINGS = 16;
const FIELDS: ReadonlySet<string> = new Set(['index', 'time', 'process', 'type', 'f', 'key', 'value', 'error', 'node']);
const SLOTS = 5;
const NUMBERS = 3;
const STRINGS = 7;

/** Whether a parsed record has only DESIGN.md's fields, each with its common type. */
function isCommonShape(record: Record<string, unknown>): boolean {
  for (const name in record) if (!FIELDS.has(name)) return false;
  const { index, time, type, f, node } = record;
  return (
    (index === undefined || typeof index === 'number') &&
    (time === undefined || typeof time === 'number') &&
    typeof type === 'string' &&
    typeof f === 'string' &&
    (node === undefined || typeof node === 'string')
  );
}

/** Packs records one at a time; take() hands over a batch and starts the next. */
export class RecordPacker {
  /**
   * The few strings of type, f, process, error and node, found by a scan:
   * looking up a fresh string in a Map or dictionary hashes it first, which
   * cost a quarter of a worker's time on a kv history; values, which are
   * many, go as texts.
   */
  private readonly common: string[] = [];
  /**
   * Keys are looked up all the same (about 80 ms a million here, in the
   * worker): a key handed over as a fresh string per event is hashed again
   * by every Map that groups operations by key, which cost the reading
   * thread half a second a million.
   */
  private readonly keys: Record<string, number> = Object.create(null) as Record<string, number>;
  private keyCount = 0;
  private readonly capacity: number;
  private batch: PackedRecords;

  constructor(capacity: number) {
    assert.ok(Number.isInteger(capacity) && capacity > 0, 'a batch holds at least one record');
    this.capacity = capacity;
    this.batch = emptyBatch(capacity);
  }

  get count(): number {
    return this.batch.count;
  }

  get full(): boolean {
    return this.batch.count === this.capacity;
  }

  add(record: unknown, line: number): void {
    assert.ok(!this.full, 'take() a full batch before adding to it');
    const batch = this.batch;
    const at = batch.count;
    batch.count += 1;
    batch.lines[at] = line;
    if (record === undefined) {
      batch.shapes[at] = Shape.Empty;
    } else if (typeof record !== 'object' || record === null || Array.isArray(record) || !isCommonShape(record as Record<string, unknown>)) {
      batch.shapes[at] = Shape.Cloned;
      batch.strings[at * STRINGS] = batch.cloned.length;
      batch.cloned.push(record);
    } else {
      this.pack(record as Record<string, unknown>, at);
    }
  }

  /** The records added since the last take. */
  take(): PackedRecords {
    const full = this.batch;
    this.batch = emptyBatch(this.capacity);
    return trim(full);
  }

  private pack(record: Record<string, unknown>, at: number): void {
    const batch = this.batch;
    batch.shapes[at] = Shape.Packed;
    batch.index[at] = record['index'] === undefined ? Number.NaN : (record['index'] as number);
    batch.time[at] = record['time'] === undefined ? Number.NaN : (record['time'] as number);
    batch.strings[at * STRINGS] = this.code(record['type'] as string, true);
    batch.strings[at * STRINGS + 1] = this.code(record['f'] as string, true);
    this.slot(record['process'], at, 0);
    this.slot(record['key'], at, 1);
    this.slot(record['value'], at, 2);
    this.slot(record['error'], at, 3);
    this.slot(record['node'], at, 4);
  }

  /** Field `field` (0 process, 1 key, 2 value, 3 error, 4 node) of the record at `at`. */
  private slot(value: unknown, at: number, field: number): void {
    const batch = this.batch;
    const where = at * SLOTS + field;
    if (value === undefined) {
      batch.slots[where] = Slot.Absent;
    } else if (value === null) {
      batch.slots[where] = Slot.Null;
    } else if (typeof value === 'number' && field < NUMBERS) {
      batch.slots[where] = Slot.Number;
      batch.numbers[at * NUMBERS + field] = value;
    } else if (typeof value === 'string') {
      batch.slots[where] = Slot.String;
      batch.strings[at * STRINGS + 2 + field] = field === 1 ? this.keyCode(value) : this.code(value, field !== 2);
    } else {
      batch.slots[where] = Slot.Cloned;
      batch.strings[at * STRINGS + 2 + field] = batch.cloned.length;
      batch.cloned.push(value);
    }
  }

  private keyCode(key: string): number {
    const known = this.keys[key];
    if (known !== undefined) return known;
    const code = this.keyCount++;
    this.keys[key] = code;
    this.batch.newKeys.push(key);
    return code;
  }

  /** The string's code in `strings`: a common string's position, or its place in the batch's texts. */
  private code(text: string, mayBeCommon: boolean): number {
    if (mayBeCommon) {
      const common = this.common;
      for (let position = 0; position < common.length; position++) if (common[position] === text) return position;
      if (common.length < MAX_COMMON_STRINGS) {
        common.push(text);
        this.batch.newStrings.push(text);
        return common.length - 1;
      }
    }
    const texts = this.batch.texts;
    texts.push(text);
    return -texts.length;
  }
}

function emptyBatch(capacity: number): PackedRecords {
  return {
    count: 0,
    lines: new Uint32Array(capacity),
    shapes: new Uint8Array(capacity),
    index: new Float64Array(capacity),
    time: new Float64Array(capacity),
    slots: new Uint8Array(capacity * SLOTS),
    numbers: new Float64Array(capacity * NUMBERS),
    strings: new Int32Array(capacity * STRINGS),
    newStrings: [],
    newKeys: [],
    texts: [],
    cloned: [],
  };
}

/** A last, partly filled batch copied down to its size, so no unused buffer is sent. */
function trim(batch: PackedRecords): PackedRecords {
  if (batch.count === batch.lines.length) return batch;
  const count = batch.count;
  return {
    ...batch,
    lines: batch.lines.slice(0, count),
    shapes: batch.shapes.slice(0, count),
    index: batch.index.slice(0, count),
    time: batch.time.slice(0, count),
    slots: batch.slots.slice(0, count * SLOTS),
    numbers: batch.numbers.slice(0, count * NUMBERS),
    strings: batch.strings.slice(0, count * STRINGS),
  };
}

/** The buffers of a batch, to be moved rather than copied by postMessage. */
export function packedBuffers(batch: PackedRecords): ArrayBuffer[] {
  const arrays = [batch.lines, batch.shapes, batch.index, batch.time, batch.slots, batch.numbers, batch.strings];
  return arrays.map((array) => array.buffer as ArrayBuffer);
}

/**
 * A number read from a Float64Array is a double to V8 even when it is a small
 * integer, where JSON.parse gives a small integer. Stored into an object
 * whose field so far held small integers (an operation's callIndex), a
 * double makes V8 rebuild the layout of every object made before it, one at
 * a time on first touch: half a second of the first pass over a million
 * operations (groupByKey). The same value, as JSON.parse would give it.
 */
function asParsed(value: number): number {
  return (value | 0) === value && !Object.is(value, -0) ? value | 0 : value;
}

/** Unpacks batches in the order they were taken, keeping the common strings they name. */
export class RecordUnpacker {
  private readonly common: string[] = [];
  private readonly keys: string[] = [];

  /** The batch's records (undefined for a line without one) and line numbers. */
  unpack(batch: PackedRecords): { records: unknown[]; lines: Uint32Array } {
    for (const text of batch.newStrings) this.common.push(text);
    for (const key of batch.newKeys) this.keys.push(key);
    const records: unknown[] = new Array(batch.count);
    for (let at = 0; at < batch.count; at++) {
      const shape = batch.shapes[at];
      if (shape === Shape.Empty) records[at] = undefined;
      else if (shape === Shape.Cloned) records[at] = batch.cloned[batch.strings[at * STRINGS]!];
      else records[at] = this.record(batch, at);
    }
    return { records, lines: batch.lines };
  }

  private record(batch: PackedRecords, at: number): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    const index = batch.index[at]!;
    const time = batch.time[at]!;
    if (!Number.isNaN(index)) record['index'] = asParsed(index);
    if (!Number.isNaN(time)) record['time'] = asParsed(time);
    this.field(record, 'process', batch, at, 0);
    record['type'] = this.text(batch, batch.strings[at * STRINGS]!);
    record['f'] = this.text(batch, batch.strings[at * STRINGS + 1]!);
    this.field(record, 'key', batch, at, 1);
    this.field(record, 'value', batch, at, 2);
    this.field(record, 'error', batch, at, 3);
    this.field(record, 'node', batch, at, 4);
    return record;
  }

  private text(batch: PackedRecords, code: number): string {
    return code >= 0 ? this.common[code]! : batch.texts[-code - 1]!;
  }

  private field(record: Record<string, unknown>, name: string, batch: PackedRecords, at: number, field: number): void {
    const slot = batch.slots[at * SLOTS + field];
    if (slot === Slot.Absent) return;
    if (slot === Slot.Null) record[name] = null;
    else if (slot === Slot.Number) record[name] = asParsed(batch.numbers[at * NUMBERS + field]!);
    else if (slot === Slot.String && field === 1) record[name] = this.keys[batch.strings[at * STRINGS + 3]!];
    else if (slot === Slot.String) record[name] = this.text(batch, batch.strings[at * STRINGS + 2 + field]!);
    else record[name] = batch.cloned[batch.strings[at * STRINGS + 2 + field]!];
  }
}
