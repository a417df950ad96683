/**
 * A worker thread of the parallel JSONL reader (jsonl-parallel.ts): parses
 * one byte range of a history and posts its records packed in columns.
 * Records are only parsed here; the reading thread validates them in history
 * order, since pairing and index order run across ranges.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseLines } from './files.js';
import { packedBuffers, RecordPacker } from './event-columns.js';
import { rangeOutcome, rangeRecord, type ParseRequest, type ParseReply } from './jsonl-parallel.js';

/** Records per posted batch: small enough that the reader can start on them early, large enough to cost one message each. */
const BATCH_RECORDS = 16_384;

let batchesPosted = 0;

function post(reply: ParseReply, failAfterBatches = Number.POSITIVE_INFINITY): void {
  if (reply.kind === 'records' && batchesPosted === failAfterBatches) throw new Error(`failing after ${failAfterBatches} batches, as asked`);
  if (reply.kind === 'records') batchesPosted += 1;
  parentPort?.postMessage(reply, reply.kind === 'records' ? packedBuffers(reply.batch) : []);
}

async function parseRange(request: ParseRequest): Promise<void> {
  const packer = new RecordPacker(request.batchRecords ?? BATCH_RECORDS);
  const lines = parseLines(request.file, rangeRecord, request.range);
  let step = await lines.next();
  for (; step.done !== true; step = await lines.next()) {
    const { records, lines: numbers } = step.value;
    for (let at = 0; at < records.length; at++) {
      packer.add(records[at], numbers[at]!);
      if (packer.full) post({ kind: 'records', batch: packer.take() }, request.failAfterBatches);
    }
  }
  if (packer.count > 0) post({ kind: 'records', batch: packer.take() }, request.failAfterBatches);
  post({ kind: 'end', ...rangeOutcome(step.value) });
}

parseRange(workerData as ParseRequest).catch((error: unknown) => {
  post({ kind: 'failure', message: error instanceof Error ? error.message : String(error) });
});
