/**
 * The on-disk unit of the coordinator's file storage: a batch of set/delete
 * records written between two syncs, framed as [payload length u32][crc32
 * u32][JSON payload]. A batch is applied whole or not at all, so a crash
 * leaves the state of some sync, never half of one; a torn or corrupt tail is
 * recognised by its length or checksum and cut off on the next start.
 */
import { crc32 } from 'node:zlib';

export type StorageRecord = ['s', string, unknown] | ['d', string];

const HEADER_BYTES = 8;

export function encodeBatch(records: readonly StorageRecord[]): Buffer {
  const payload = Buffer.from(JSON.stringify(records), 'utf8');
  const batch = Buffer.allocUnsafe(HEADER_BYTES + payload.length);
  batch.writeUInt32BE(payload.length, 0);
  batch.writeUInt32BE(crc32(payload), 4);
  payload.copy(batch, HEADER_BYTES);
  return batch;
}

export interface DecodedLog {
  batches: StorageRecord[][];
  /** Bytes of whole, valid batches from the start; anything after is a torn tail. */
  validBytes: number;
}

/** Reads batches until the end or the first one that is incomplete or fails its checksum. */
export function decodeBatches(data: Buffer): DecodedLog {
  const batches: StorageRecord[][] = [];
  let offset = 0;
  while (data.length - offset >= HEADER_BYTES) {
    const length = data.readUInt32BE(offset);
    const checksum = data.readUInt32BE(offset + 4);
    const start = offset + HEADER_BYTES;
    if (data.length - start < length) break;
    const payload = data.subarray(start, start + length);
    if (crc32(payload) !== checksum) break;
    const records = parseRecords(payload);
    if (records === null) break;
    batches.push(records);
    offset = start + length;
  }
  return { batches, validBytes: offset };
}

function parseRecords(payload: Buffer): StorageRecord[] | null {
  try {
    const value: unknown = JSON.parse(payload.toString('utf8'));
    return Array.isArray(value) ? (value as StorageRecord[]) : null;
  } catch {
    return null;
  }
}

/** Applies one batch to the in-memory map. */
export function applyBatch(values: Map<string, unknown>, records: readonly StorageRecord[]): void {
  for (const record of records) {
    if (record[0] === 's') values.set(record[1], record[2]);
    else values.delete(record[1]);
  }
}
