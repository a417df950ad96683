/**
 * A large JSONL history parsed on every core: JSON.parse is most of the
 * cost of reading one (half of `faultline check` on a 1M-operation history),
 * and its lines are independent. The file is cut into byte ranges at line
 * breaks; this thread parses the first while a worker per other range parses
 * that one and posts its records packed in columns (event-columns.ts). The
 * records are then validated here in history order, so verdicts, errors and
 * cuts are those of the one-thread reader (jsonl-parallel.test.ts).
 */
import { availableParallelism } from 'node:os';
import { open, stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { type PackedRecords, RecordUnpacker } from './event-columns.js';
import { isBlankLine, parseLines, type RecordChunk, type RecordSource, type ToRecord, type UnparsedLine } from './files.js';
import { parseExactEvent } from './exact-json.js';
import type { ByteRange } from './lines.js';

/**
 * The least bytes worth a worker: below about this much (30k events) the
 * worker's start and the unpacking cost more than the parse it takes over.
 */
export const MIN_RANGE_BYTES = 8 * 1024 * 1024;
/**
 * The reading thread's range, as a share of a worker's: besides parsing its
 * own range it unpacks, validates and pairs every record (on a 1M-op kv
 * history, 1.9 s of CPU against a worker's 1.4 s with equal ranges).
 */
const READER_SHARE = 0.6;
/** Young generation of a parsing worker: parsing makes short-lived strings and objects, and the default one collects them often. */
const WORKER_YOUNG_GENERATION_MIB = 64;
/** Bytes read at a time while looking for the line break after a cut. */
const BREAK_SEARCH_BYTES = 64 * 1024;
const NEWLINE = 10;

export interface ParallelParseOptions {
  /** Threads parsing at most, this one included; default: one per core. */
  threads?: number;
  /** Overrides MIN_RANGE_BYTES. */
  minRangeBytes?: number;
  /** Records per batch a worker posts (tests: several batches from a small file). */
  batchRecords?: number;
  /** Tests: each worker fails after posting this many batches, as a worker that runs out of memory would. */
  failAfterBatches?: number;
}

export interface ParseRequest {
  file: string;
  range: ByteRange;
  batchRecords?: number;
  failAfterBatches?: number;
}

export type ParseReply =
  | { kind: 'records'; batch: PackedRecords }
  | { kind: 'end'; lineCount: number; unparsed?: UnparsedLine }
  | { kind: 'failure'; message: string };

/** The byte ranges to parse in parallel: one per thread (the first this one's, a little smaller), cut just after a \n. */
export async function parseRanges(file: string, options: ParallelParseOptions = {}): Promise<ByteRange[]> {
  const { size } = await stat(file);
  const threads = Math.max(1, Math.floor(options.threads ?? availableParallelism()));
  const parts = Math.max(1, Math.min(threads, Math.floor(size / Math.max(1, options.minRangeBytes ?? MIN_RANGE_BYTES))));
  const starts = [0];
  if (parts > 1) {
    const handle = await open(file, 'r');
    try {
      const total = READER_SHARE + parts - 1;
      for (let part = 1; part < parts; part++) {
        const nominal = Math.floor((size * (READER_SHARE + part - 1)) / total);
        const start = await lineStartFrom(handle, Math.max(nominal, starts[starts.length - 1]!), size);
        if (start < size && start > starts[starts.length - 1]!) starts.push(start);
      }
    } finally {
      await handle.close();
    }
  }
  return starts.map((start, at) => ({ start, end: starts[at + 1] ?? size }));
}

/** The position just after the first \n at or after `from`; size when there is none. */
async function lineStartFrom(handle: Awaited<ReturnType<typeof open>>, from: number, size: number): Promise<number> {
  const buffer = Buffer.allocUnsafe(BREAK_SEARCH_BYTES);
  for (let position = from; position < size; ) {
    const { bytesRead } = await handle.read(buffer, 0, BREAK_SEARCH_BYTES, position);
    if (bytesRead === 0) break;
    const at = buffer.subarray(0, bytesRead).indexOf(NEWLINE);
    if (at !== -1) return position + at + 1;
    position += bytesRead;
  }
  return size;
}

/** Replies of one worker, in order, awaited one at a time. */
class ReplyQueue {
  private readonly replies: ParseReply[] = [];
  private waiting: ((reply: ParseReply) => void) | undefined;

  push(reply: ParseReply): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting === undefined) this.replies.push(reply);
    else waiting(reply);
  }

  next(): Promise<ParseReply> {
    const reply = this.replies.shift();
    if (reply !== undefined) return Promise.resolve(reply);
    return new Promise((resolve) => {
      this.waiting = resolve;
    });
  }
}

interface Parser {
  worker: Worker;
  replies: ReplyQueue;
}

function startParser(request: ParseRequest): Parser {
  const replies = new ReplyQueue();
  const worker = new Worker(new URL('./jsonl-parse-worker.js', import.meta.url), {
    workerData: request,
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MIB },
  });
  let ended = false;
  worker.on('message', (reply: ParseReply) => {
    ended ||= reply.kind !== 'records';
    replies.push(reply);
  });
  worker.on('error', (error) => replies.push({ kind: 'failure', message: error.message }));
  worker.on('exit', (code) => {
    if (!ended) replies.push({ kind: 'failure', message: `a parsing worker exited with code ${code} before it finished` });
  });
  return { worker, replies };
}

/** Line numbers of a worker's range moved past the lines before it. */
function fileLines(lines: ArrayLike<number>, before: number): Float64Array {
  const moved = new Float64Array(lines.length);
  for (let at = 0; at < lines.length; at++) moved[at] = lines[at]! + before;
  return moved;
}

/** How a worker parses a line; this thread parses a worker's range the same way when the worker fails. */
export function rangeRecord(line: string): unknown {
  return isBlankLine(line) ? undefined : parseExactEvent(line);
}

type RangeChunks = AsyncGenerator<RecordChunk, { lineCount: number; unparsed?: UnparsedLine }, undefined>;

/** A worker's records, line numbers within its range; if the worker fails, this thread parses the rest. */
async function* workerRange(file: string, parser: Parser, range: ByteRange): RangeChunks {
  const unpacker = new RecordUnpacker();
  let consumedLines = 0;
  for (;;) {
    const reply = await parser.replies.next();
    if (reply.kind === 'end') return reply.unparsed === undefined ? { lineCount: reply.lineCount } : { lineCount: reply.lineCount, unparsed: reply.unparsed };
    if (reply.kind === 'failure') return yield* rangeInThisThread(file, range, consumedLines);
    const chunk = unpacker.unpack(reply.batch);
    consumedLines = chunk.lines[chunk.lines.length - 1] ?? consumedLines;
    yield chunk;
  }
}

/** The lines of a range after the first `consumedLines`, parsed here as a worker parses them. */
async function* rangeInThisThread(file: string, range: ByteRange, consumedLines: number): RangeChunks {
  const lines = parseLines(file, rangeRecord, range);
  let step = await lines.next();
  try {
    for (; step.done !== true; step = await lines.next()) {
      const numbers = Array.from(step.value.lines);
      const from = numbers.findIndex((line) => line > consumedLines);
      if (from !== -1) yield { records: step.value.records.slice(from), lines: numbers.slice(from) };
    }
  } finally {
    // Closes the file when the reader stops early (a bad event before the range's end).
    await lines.return({ lineCount: 0 });
  }
  return rangeOutcome(step.value);
}

/**
 * How a range's parse ended, without the parse error: it names a line within
 * the range, so the reader parses that line again at its place in the file.
 */
export function rangeOutcome({ lineCount, unparsed }: { lineCount: number; unparsed?: UnparsedLine }): { lineCount: number; unparsed?: UnparsedLine } {
  return unparsed === undefined ? { lineCount } : { lineCount, unparsed: { line: unparsed.line, text: unparsed.text, followed: unparsed.followed } };
}

/** Records of every range in file order: the first parsed here by toRecord, the others by workers. */
export async function* parallelRecords(file: string, toRecord: ToRecord, ranges: readonly ByteRange[], options: ParallelParseOptions = {}): RecordSource {
  const parsers = ranges.slice(1).map((range) => startParser({ file, range, ...testingOptions(options) }));
  try {
    const first = yield* parseLines(file, toRecord, ranges[0]);
    // A bad line in a range other than the last is followed by the next range's lines.
    if (first.unparsed !== undefined) return { lineCount: first.lineCount, unparsed: { ...first.unparsed, followed: true } };
    let before = first.lineCount;
    for (const [position, parser] of parsers.entries()) {
      const range = workerRange(file, parser, ranges[position + 1]!);
      let step = await range.next();
      try {
        for (; step.done !== true; step = await range.next()) yield { records: step.value.records, lines: fileLines(step.value.lines, before) };
      } finally {
        await range.return({ lineCount: 0 });
      }
      const { lineCount, unparsed } = step.value;
      if (unparsed !== undefined) {
        const followed = unparsed.followed || position < parsers.length - 1;
        return { lineCount: before + lineCount, unparsed: { ...unparsed, line: before + unparsed.line, followed } };
      }
      before += lineCount;
    }
    return { lineCount: before };
  } finally {
    await Promise.all(parsers.map((parser) => parser.worker.terminate()));
  }
}

function testingOptions(options: ParallelParseOptions): Pick<ParseRequest, 'batchRecords' | 'failAfterBatches'> {
  return {
    ...(options.batchRecords === undefined ? {} : { batchRecords: options.batchRecords }),
    ...(options.failAfterBatches === undefined ? {} : { failAfterBatches: options.failAfterBatches }),
  };
}
