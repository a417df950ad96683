/**
 * In-memory Storage with fsync semantics: writes are visible at once, but a
 * crash rolls back to exactly what the last sync() covered. Values are copied
 * through JSON on the way in, which also proves they are plain data.
 */
import type { Storage } from '../../world.js';

export class MemoryStorage implements Storage {
  private current = new Map<string, string>();
  private durable = new Map<string, string>();
  private readonly dirty = new Set<string>();
  syncCount = 0;

  get(key: string): unknown {
    const text = this.current.get(key);
    return text === undefined ? undefined : JSON.parse(text);
  }

  set(key: string, value: unknown): void {
    this.current.set(key, JSON.stringify(value));
    this.dirty.add(key);
  }

  delete(key: string): void {
    this.current.delete(key);
    this.dirty.add(key);
  }

  keys(prefix: string): string[] {
    return [...this.current.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  sync(): void {
    this.syncCount += 1;
    for (const key of this.dirty) {
      const text = this.current.get(key);
      if (text === undefined) this.durable.delete(key);
      else this.durable.set(key, text);
    }
    this.dirty.clear();
  }

  /** What a crash leaves: the synced state only. */
  crash(): void {
    this.current = new Map(this.durable);
    this.dirty.clear();
  }
}
