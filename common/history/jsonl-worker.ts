/**
 * A worker thread of the parallel JSONL reader: reads its byte ranges of a
 * history, in order, and posts each chunk of lines back as columns.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { encodeLines } from './jsonl-columns.js';
import { readLineChunks, type ByteRange } from './lines.js';

export interface ParseRequest {
  file: string;
  ranges: { range: number; bytes: ByteRange }[];
}

/** A chunk of a range's lines; done marks a range's last message (which may hold no lines). */
export type ParseReply =
  | { range: number; columns: ReturnType<typeof encodeLines> | null; done: boolean }
  | { failure: { message: string; code: string | undefined } };

/** Ranges parsed and not yet taken by the reader, at most: bounds the memory of lines parsed ahead. */
export const RANGES_AHEAD = 3;

/**
 * Text per message. V8 reads a message of over 100 KiB straight into the old
 * generation, where the short-lived parts of a million lines cost the reader
 * seconds of full collections; smaller messages die young.
 */
const MESSAGE_TEXT_BYTES = 48 * 1024;

const request = workerData as ParseRequest;
let unacknowledged = 0;
let acknowledged: (() => void) | undefined;
// The reader acknowledges each range it has handed on.
parentPort!.on('message', () => {
  unacknowledged--;
  acknowledged?.();
});

async function parseRanges(): Promise<void> {
  for (const { range, bytes } of request.ranges) {
    while (unacknowledged >= RANGES_AHEAD) await new Promise<void>((resolve) => (acknowledged = resolve));
    unacknowledged++;
    for await (const lines of readLineChunks(request.file, MESSAGE_TEXT_BYTES, bytes)) {
      const columns = encodeLines(lines);
      const transfer = [columns.shapes.buffer, columns.numbers.buffer, columns.symbolIds.buffer] as ArrayBuffer[];
      parentPort!.postMessage({ range, columns, done: false } satisfies ParseReply, transfer);
    }
    parentPort!.postMessage({ range, columns: null, done: true } satisfies ParseReply);
  }
  // Then waits for acknowledgements until the reader, done, terminates it.
}

parseRanges().catch((error: unknown) => {
  // Read failures (the file vanished, EIO) go back with their code, so the reader reports them as one thread would.
  const failure = error instanceof Error ? { message: error.message, code: (error as { code?: string }).code } : { message: String(error), code: undefined };
  parentPort!.postMessage({ failure } satisfies ParseReply);
});
