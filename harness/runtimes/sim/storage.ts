/**
 * A host's disk. Writes are visible at once; a crash keeps exactly what the
 * last sync() covered, as after a power loss. Values are copied on the way in
 * and out, as a real disk serializes them, so a caller that keeps mutating an
 * object it stored cannot change what was written.
 */
import type { Storage } from '../../../clusters/coordinator/world.js';
import { copyPlainData } from './clone.js';

export class SimulatedStorage implements Storage {
  private current = new Map<string, unknown>();
  private readonly durable = new Map<string, unknown>();
  /** Keys written or deleted since the last sync, so sync costs what changed, not what is stored. */
  private readonly dirty = new Set<string>();
  private syncCount = 0;

  get(key: string): unknown {
    const value = this.current.get(key);
    return value === undefined ? undefined : copyPlainData(value);
  }

  set(key: string, value: unknown): void {
    this.current.set(key, copyPlainData(value));
    this.dirty.add(key);
  }

  delete(key: string): void {
    this.current.delete(key);
    this.dirty.add(key);
  }

  keys(prefix: string): string[] {
    const matching: string[] = [];
    for (const key of this.current.keys()) if (key.startsWith(prefix)) matching.push(key);
    return matching.sort();
  }

  sync(): void {
    this.syncCount++;
    for (const key of this.dirty) {
      // Stored values are private copies nobody mutates, so both maps may share them.
      if (this.current.has(key)) this.durable.set(key, this.current.get(key));
      else this.durable.delete(key);
    }
    this.dirty.clear();
  }

  /** Power loss: every write since the last sync is gone. */
  crash(): void {
    this.current = new Map(this.durable);
    this.dirty.clear();
  }

  get syncs(): number {
    return this.syncCount;
  }

  get unsyncedKeys(): number {
    return this.dirty.size;
  }
}
