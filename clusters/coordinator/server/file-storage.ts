/**
 * Storage (clusters/coordinator/world.ts) on a real disk: an in-memory map,
 * and an append-only log of the batches of changes each sync() covers.
 *
 * sync() seals the changes made so far; flush() (or flushInBackground())
 * writes every sealed batch and fdatasyncs, once for any number of syncs
 * (group commit). The host must let no message sent after a sync out before
 * that (see durable-outbox.ts): that is what makes an acknowledgement durable.
 * Changes made after the last sync are never written, as in the simulator:
 * a crash keeps exactly the state of some sync. When the log has grown well
 * past the live data, it is rewritten as one batch (new file, fsync, rename,
 * directory fsync), so a crash during compaction keeps one whole file or the other.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Storage } from '../world.js';
import { applyBatch, decodeBatches, encodeBatch, type StorageRecord } from './storage-records.js';

export const STORAGE_FILE = 'storage.log';

export interface FileStorageOptions {
  /** Compact once the log holds this many bytes more than the last compacted image (and twice its size). */
  compactAfterBytes?: number;
  log?: (line: string) => void;
}

const DEFAULT_COMPACT_AFTER_BYTES = 8 * 1024 * 1024;

export class FileStorage implements Storage {
  private readonly values = new Map<string, unknown>();
  /** Changes not yet written; the first `sealedCount` of them were covered by a sync. */
  private pending: StorageRecord[] = [];
  private sealedCount = 0;
  private fileDescriptor: number;
  private fileBytes: number;
  private compactedBytes = 0;
  private readonly filePath: string;
  private readonly compactAfterBytes: number;
  private readonly log: (line: string) => void;
  private closed = false;
  private flushesInFlight = 0;

  constructor(private readonly directory: string, options: FileStorageOptions = {}) {
    this.compactAfterBytes = options.compactAfterBytes ?? DEFAULT_COMPACT_AFTER_BYTES;
    this.log = options.log ?? (() => {});
    fs.mkdirSync(directory, { recursive: true });
    this.filePath = path.join(directory, STORAGE_FILE);
    const existed = fs.existsSync(this.filePath);
    this.fileBytes = this.replay();
    this.compactedBytes = this.fileBytes;
    this.fileDescriptor = fs.openSync(this.filePath, 'a');
    // A new file's name must be durable too, or a power loss could lose the file with everything synced into it.
    if (!existed) syncDirectory(directory);
  }

  get(key: string): unknown {
    return this.values.get(key);
  }

  set(key: string, value: unknown): void {
    assert.ok(!this.closed, 'storage is closed');
    this.values.set(key, value);
    this.pending.push(['s', key, value]);
  }

  delete(key: string): void {
    assert.ok(!this.closed, 'storage is closed');
    if (!this.values.delete(key)) return;
    this.pending.push(['d', key]);
  }

  keys(prefix: string): string[] {
    const keys: string[] = [];
    for (const key of this.values.keys()) if (key.startsWith(prefix)) keys.push(key);
    return keys.sort();
  }

  /** Marks everything so far for durability; flush() makes it so. */
  sync(): void {
    this.sealedCount = this.pending.length;
  }

  /** True when a sync() is not yet on disk. */
  get flushNeeded(): boolean {
    return this.sealedCount > 0;
  }

  /** Writes the sealed changes as one batch and fdatasyncs, blocking; compacts when the log has grown. */
  flush(): void {
    if (!this.writeSealed()) return;
    fs.fdatasyncSync(this.fileDescriptor);
    this.compactIfGrown();
  }

  /**
   * The same without blocking the event loop: the batch is written at once,
   * the fdatasync runs on libuv's pool. Several may run at once: each covers
   * everything written before it started, whichever finishes first, so a
   * caller waits only for the one it started. Compaction swaps the file, so
   * it happens only when no fdatasync is in flight. A failed fdatasync leaves
   * durability unknown, which a node must not survive: it throws from the callback.
   */
  flushInBackground(done: () => void): void {
    // Nothing new to write, but an earlier batch still in flight: this fdatasync covers it too.
    if (!this.writeSealed() && this.flushesInFlight === 0) return done();
    const descriptor = this.fileDescriptor;
    this.flushesInFlight += 1;
    fs.fdatasync(descriptor, (error) => {
      this.flushesInFlight -= 1;
      if (this.closed) return done();
      if (error !== null) throw new Error(`fdatasync of ${this.filePath} failed: ${error.message}`);
      if (this.flushesInFlight === 0) this.compactIfGrown();
      done();
    });
  }

  /** Appends the sealed changes as one batch; false when there were none. */
  private writeSealed(): boolean {
    if (this.sealedCount === 0 || this.closed) return false;
    const sealed = this.pending.slice(0, this.sealedCount);
    this.pending = this.pending.slice(this.sealedCount);
    this.sealedCount = 0;
    const batch = encodeBatch(sealed);
    writeFully(this.fileDescriptor, batch);
    this.fileBytes += batch.length;
    return true;
  }

  private compactIfGrown(): void {
    // Compaction writes the map, which must then hold only synced state.
    if (this.pending.length === 0 && this.shouldCompact()) this.compact();
  }

  /** Flushes what was synced and releases the file; later changes are refused. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    fs.closeSync(this.fileDescriptor);
  }

  /** Bytes in the log file now. */
  get logBytes(): number {
    return this.fileBytes;
  }

  private shouldCompact(): boolean {
    const grown = this.fileBytes - this.compactedBytes;
    return grown > this.compactAfterBytes && this.fileBytes > 2 * this.compactedBytes;
  }

  private compact(): void {
    const records: StorageRecord[] = [];
    for (const [key, value] of this.values) records.push(['s', key, value]);
    const image = encodeBatch(records);
    const temporaryPath = `${this.filePath}.compact`;
    const descriptor = fs.openSync(temporaryPath, 'w');
    try {
      writeFully(descriptor, image);
      fs.fsyncSync(descriptor);
    } finally {
      fs.closeSync(descriptor);
    }
    fs.renameSync(temporaryPath, this.filePath);
    syncDirectory(this.directory);
    fs.closeSync(this.fileDescriptor);
    this.fileDescriptor = fs.openSync(this.filePath, 'a');
    this.log(`storage: compacted ${this.fileBytes} bytes to ${image.length}`);
    this.fileBytes = image.length;
    this.compactedBytes = image.length;
  }

  /** Loads the log; a torn tail is cut off so later appends follow a whole batch. */
  private replay(): number {
    let data: Buffer;
    try {
      data = fs.readFileSync(this.filePath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    const decoded = decodeBatches(data);
    for (const batch of decoded.batches) applyBatch(this.values, batch);
    if (decoded.validBytes < data.length) {
      this.log(`storage: cut a torn tail of ${data.length - decoded.validBytes} bytes after ${decoded.batches.length} batches`);
      fs.truncateSync(this.filePath, decoded.validBytes);
      const descriptor = fs.openSync(this.filePath, 'r+');
      try {
        fs.fsyncSync(descriptor);
      } finally {
        fs.closeSync(descriptor);
      }
    }
    return decoded.validBytes;
  }
}

function writeFully(descriptor: number, data: Buffer): void {
  let written = 0;
  while (written < data.length) written += fs.writeSync(descriptor, data, written, data.length - written);
}

function syncDirectory(directory: string): void {
  const descriptor = fs.openSync(directory, 'r');
  try {
    fs.fsyncSync(descriptor);
  } finally {
    fs.closeSync(descriptor);
  }
}
