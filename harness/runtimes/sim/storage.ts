/**
 * A host's disk. Writes are visible at once; a crash keeps exactly what the
 * last sync() covered, as after a power loss. Values are deep-frozen on the
 * way in (see plain-data.ts) rather than copied: a caller cannot change what
 * was written, as with a real disk that serializes, and reads cost nothing.
 */
import type { Storage } from '../../../clusters/coordinator/world.js';
import { deepFreeze } from '../../../common/plain-data.js';

/** Marks a key deleted since the last sync. */
const DELETED = Symbol('deleted');

export class SimulatedStorage implements Storage {
  private current = new Map<string, unknown>();
  private readonly durable = new Map<string, unknown>();
  /** What changed since the last sync, key by key, so sync costs what changed, not what is stored. */
  private readonly dirty = new Map<string, unknown>();
  private syncCount = 0;

  get(key: string): unknown {
    return this.current.get(key);
  }

  set(key: string, value: unknown): void {
    const frozen = deepFreeze(value);
    this.current.set(key, frozen);
    this.dirty.set(key, frozen);
  }

  delete(key: string): void {
    this.current.delete(key);
    this.dirty.set(key, DELETED);
  }

  keys(prefix: string): string[] {
    const matching: string[] = [];
    for (const key of this.current.keys()) if (key.startsWith(prefix)) matching.push(key);
    return matching.sort();
  }

  sync(): void {
    this.syncCount++;
    // Stored values are frozen, so both maps may share them.
    for (const [key, value] of this.dirty) {
      if (value === DELETED) this.durable.delete(key);
      else this.durable.set(key, value);
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
