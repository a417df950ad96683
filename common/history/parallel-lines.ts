/**
 * The lines of a large JSONL history, parsed by worker threads: the file is
 * cut at line breaks into ranges, dealt to the workers in turn, and each
 * range's lines come back as columns (jsonl-columns.ts). This thread hands
 * them on in file order, as parsed records or, for any line out of the usual
 * shape, as raw text that it parses itself; so validation, pairing, errors
 * and cut lines stay those of the one-thread reader. On a million-operation
 * history JSON.parse is about half of `faultline check`.
 */
import { availableParallelism } from 'node:os';
import { open, stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { decodeLines, type LineColumns, type LineItem } from './jsonl-columns.js';
import type { ParseReply, ParseRequest } from './jsonl-worker.js';
import { readLineChunks, type ByteRange } from './lines.js';

/** From this size on a history is parsed in worker threads: below it their start costs more than they save. */
export const PARALLEL_PARSE_BYTES = 32 * 1024 * 1024;
/** Bytes per range: the workers take turns range by range, so that each parses just ahead of this thread. */
const RANGE_BYTES = 1024 * 1024;
const MAX_WORKERS = 4;
/** Bytes read at a time while looking for the line break after a cut point. */
const PROBE_BYTES = 8 * 1024;

/** When to parse in workers; tests make small files take this path. */
export interface ParallelParse {
  fromBytes: number;
  rangeBytes: number;
  workers: number;
}

export const DEFAULT_PARALLEL_PARSE: ParallelParse = {
  fromBytes: PARALLEL_PARSE_BYTES,
  rangeBytes: RANGE_BYTES,
  workers: Math.min(MAX_WORKERS, availableParallelism()),
};

/** The lines of a JSONL file: parsed by workers when it is large and there are cores for it, else read here. */
export async function* readJsonlLines(file: string, parallel = DEFAULT_PARALLEL_PARSE): AsyncGenerator<LineItem[], void, undefined> {
  const { size } = await stat(file);
  if (parallel.workers < 2 || size < parallel.fromBytes) {
    yield* readLineChunks(file);
    return;
  }
  const ranges = await cutAtLines(file, size, Math.max(1, Math.ceil(size / parallel.rangeBytes)));
  yield* readInWorkers(file, ranges, parallel.workers);
}

/** About `count` ranges that cover the file, each starting at the start of a line. */
async function cutAtLines(file: string, size: number, count: number): Promise<ByteRange[]> {
  const handle = await open(file, 'r');
  try {
    const starts = [0];
    const probe = Buffer.allocUnsafe(PROBE_BYTES);
    for (let part = 1; part < count; part++) {
      let position = Math.max(Math.floor((size * part) / count), starts[starts.length - 1]! + 1);
      let start = -1;
      while (start === -1 && position < size) {
        const { bytesRead } = await handle.read(probe, 0, PROBE_BYTES, position);
        if (bytesRead === 0) break;
        const found = probe.subarray(0, bytesRead).indexOf(10);
        if (found !== -1) start = position + found + 1;
        position += bytesRead;
      }
      if (start === -1 || start >= size) break;
      starts.push(start);
    }
    return starts.map((start, index) => ({ start, end: starts[index + 1] ?? size }));
  } finally {
    await handle.close();
  }
}

interface RangeQueue {
  chunks: LineColumns[];
  done: boolean;
}

async function* readInWorkers(file: string, ranges: ByteRange[], workerCount: number): AsyncGenerator<LineItem[], void, undefined> {
  const queues: RangeQueue[] = ranges.map(() => ({ chunks: [], done: false }));
  let failure: Error | undefined;
  let wake: (() => void) | undefined;
  const onReply = (reply: ParseReply): void => {
    if ('failure' in reply) failure ??= Object.assign(new Error(reply.failure.message), { code: reply.failure.code });
    else if (reply.columns !== null) queues[reply.range]!.chunks.push(reply.columns);
    if (!('failure' in reply) && reply.done) queues[reply.range]!.done = true;
    wake?.();
  };
  const workers = Array.from({ length: Math.min(workerCount, ranges.length) }, (_, worker) => {
    const request: ParseRequest = { file, ranges: [] };
    for (let range = worker; range < ranges.length; range += workerCount) request.ranges.push({ range, bytes: ranges[range]! });
    const thread = new Worker(new URL('./jsonl-worker.js', import.meta.url), { workerData: request });
    thread.on('message', onReply);
    thread.on('error', (error) => ((failure ??= error), wake?.()));
    thread.on('exit', (code) => {
      if (code !== 0) failure ??= new Error(`JSONL parse worker exited with code ${code}`);
      wake?.();
    });
    return thread;
  });
  try {
    for (const [range, queue] of queues.entries()) {
      for (;;) {
        if (failure !== undefined) throw failure;
        const chunk = queue.chunks.shift();
        if (chunk !== undefined) yield decodeLines(chunk);
        else if (queue.done) break;
        else await new Promise<void>((resolve) => (wake = resolve));
      }
      workers[range % workers.length]!.postMessage(range);
    }
  } finally {
    await Promise.all(workers.map((thread) => thread.terminate()));
  }
}
