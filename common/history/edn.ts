/**
 * Jepsen and Knossos histories in EDN: one top-level vector of op maps
 * (history.edn), or op maps one after another. The file is read in chunks and
 * parsed one op at a time, so memory stays at a chunk plus one op.
 */
import { createReadStream } from 'node:fs';
import { HistoryError } from '../errors.js';
import { isPlainObject } from './edn-atoms.js';
import { EdnParser, INCOMPLETE } from './edn-parser.js';
import { BATCH_SIZE, type EventBatches, flattenBatches, readFailure } from './files.js';
import type { EventSource, HistoryEvent } from './types.js';
import { describeValue, HistoryValidator, locate } from './validate.js';

export interface EdnReadOptions {
  /**
   * Whether client values are Jepsen's independent [key value] tuples. "auto"
   * (the default) says yes when every client event's value is such a pair.
   */
  independent?: 'auto' | boolean;
  /** Bytes read per chunk; tests make it tiny to put forms across chunk edges. */
  chunkSizeBytes?: number;
}

/** A top-level op form and the line it starts on. */
interface Form {
  value: unknown;
  line: number;
}

const DEFAULT_CHUNK_BYTES = 64 * 1024;
const EVENT_FIELDS = ['index', 'time', 'process', 'type', 'f', 'key', 'value', 'error'] as const;

/** Where the reader is in the file's outer structure. */
type Layout = 'start' | 'vector' | 'stream' | 'closed';

/** Steps through the outer structure; each step either reads one op or changes layout. */
class TopLevel {
  layout: Layout = 'start';
  private closer = 93;
  private openLine = 1;

  constructor(private readonly parser: EdnParser) {}

  /** One op form, 'progress' after a layout change, or 'end'. */
  step(): Form | 'progress' | 'end' {
    const parser = this.parser;
    parser.skipBlank();
    if (parser.atEnd()) {
      if (!parser.final) throw INCOMPLETE;
      if (this.layout === 'vector') {
        parser.fail(
          `unexpected end of file: the history vector opened at line ${this.openLine} is not closed`,
          this.openLine,
        );
      }
      return 'end';
    }
    const code = parser.peek();
    if (this.layout === 'start') {
      const opens = code === 91 || code === 40;
      this.layout = opens ? 'vector' : 'stream';
      if (opens) {
        this.closer = code === 91 ? 93 : 41;
        this.openLine = parser.line;
        parser.position += 1;
      }
      return 'progress';
    }
    if (this.layout === 'closed') {
      parser.fail(`unexpected text after the history vector that opened at line ${this.openLine}`);
    }
    if (this.layout === 'vector' && code === this.closer) {
      parser.position += 1;
      this.layout = 'closed';
      return 'progress';
    }
    const line = parser.line;
    return { value: parser.readForm(), line };
  }
}

/** Top-level op forms of an EDN file, in batches. */
async function* readForms(file: string, chunkSizeBytes: number): AsyncGenerator<Form[], void, undefined> {
  const stream = createReadStream(file, { encoding: 'utf8', highWaterMark: chunkSizeBytes });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<string>;
  const parser = new EdnParser(file);
  const topLevel = new TopLevel(parser);
  let batch: Form[] = [];
  try {
    for (;;) {
      const start = parser.position;
      const startLine = parser.line;
      let step: Form | 'progress' | 'end';
      try {
        step = topLevel.step();
      } catch (error) {
        if (error !== INCOMPLETE) throw error;
        parser.position = start;
        parser.line = startLine;
        await fill(parser, chunks, parser.text.length - start);
        continue;
      }
      if (step === 'end') break;
      if (step === 'progress') continue;
      batch.push(step);
      if (batch.length >= BATCH_SIZE) {
        yield batch;
        batch = [];
      }
    }
  } catch (error) {
    throw readFailure(error, file);
  } finally {
    stream.destroy();
  }
  if (batch.length > 0) yield batch;
}

/**
 * Appends chunks until the unparsed text is twice as long as what the last
 * attempt ran out of, so an op that spans many chunks is re-parsed a few times,
 * not once per chunk.
 */
async function fill(parser: EdnParser, chunks: AsyncIterator<string>, attemptedLength: number): Promise<void> {
  const target = Math.max(1, 2 * attemptedLength);
  while (parser.text.length - parser.position < target) {
    const next = await chunks.next();
    if (next.done === true) {
      parser.final = true;
      return;
    }
    parser.append(next.value);
  }
}

function isIndependentTuple(value: unknown): value is [string | number, unknown] {
  if (!Array.isArray(value) || value.length !== 2) return false;
  const key: unknown = value[0];
  return typeof key === 'string' || typeof key === 'number';
}

/**
 * The "auto" decision: a cheap first pass that stops at the first client
 * value that is not a [key value] pair. A plain cas register fails it at its
 * first read, whose invoke value is nil.
 */
async function detectIndependent(file: string, chunkSizeBytes: number): Promise<boolean> {
  let clientEvents = 0;
  for await (const batch of readForms(file, chunkSizeBytes)) {
    for (const form of batch) {
      if (!isPlainObject(form.value)) return false;
      if (typeof form.value['process'] !== 'number') continue;
      if (!isIndependentTuple(form.value['value'])) return false;
      clientEvents += 1;
    }
  }
  return clientEvents > 0;
}

/** The HistoryEvent fields of an op map; other keys Jepsen records are dropped. */
function eventRecord(form: Form, independent: boolean, source: EventSource): Record<string, unknown> {
  const map = form.value;
  if (!isPlainObject(map)) {
    throw new HistoryError(`expected an op map, found ${describeValue(map)}`, {
      where: locate(source),
      hint: 'each op is a map such as {:process 0, :type :invoke, :f :read, :value nil}',
    });
  }
  const record: Record<string, unknown> = {};
  for (const name of EVENT_FIELDS) {
    if (map[name] !== undefined) record[name] = map[name];
  }
  if (independent && typeof record['process'] === 'number') {
    const tuple = record['value'];
    if (!isIndependentTuple(tuple)) {
      throw new HistoryError(`expected an independent [key value] tuple, found ${describeValue(tuple)}`, {
        where: locate(source),
        hint: 'read this history with independent: false (or "auto") if its values are not keyed',
      });
    }
    record['key'] = tuple[0];
    record['value'] = tuple[1];
  }
  return record;
}

/** Validated events of an EDN history, in batches. */
export async function* readEdnBatches(file: string, options: EdnReadOptions = {}): EventBatches {
  const chunkSizeBytes = Math.max(1, options.chunkSizeBytes ?? DEFAULT_CHUNK_BYTES);
  const setting = options.independent ?? 'auto';
  const independent = setting === 'auto' ? await detectIndependent(file, chunkSizeBytes) : setting;
  const validator = new HistoryValidator();
  const source: EventSource = { file, line: 0 };
  for await (const forms of readForms(file, chunkSizeBytes)) {
    const events: HistoryEvent[] = [];
    for (const form of forms) {
      source.line = form.line;
      events.push(validator.accept(eventRecord(form, independent, source), source));
    }
    yield events;
  }
}

/** Validated events of an EDN history, one at a time. */
export function readEdn(file: string, options: EdnReadOptions = {}): AsyncGenerator<HistoryEvent, void, undefined> {
  return flattenBatches(readEdnBatches(file, options));
}
