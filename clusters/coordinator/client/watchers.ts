/**
 * The client's side of watches: callbacks by (kind, path). The server holds
 * one watch per connection, path and kind, so one event uses up every
 * callback registered for it, as ZooKeeper's client does.
 */
import type { WatchTrigger } from '../service/types.js';
import type { WatchEvent } from './types.js';

type WatchCallback = (event: WatchEvent) => void;

export class ClientWatchers {
  /** "data path" or "child path" -> callbacks. */
  private callbacks = new Map<string, WatchCallback[]>();

  add(kind: 'data' | 'child', path: string, callback: WatchCallback): void {
    const key = `${kind} ${path}`;
    this.callbacks.set(key, [...(this.callbacks.get(key) ?? []), callback]);
  }

  deliver(event: WatchTrigger): void {
    const kinds = event.type === 'deleted' ? ['data', 'child'] : event.type === 'children-changed' ? ['child'] : ['data'];
    for (const kind of kinds) {
      const key = `${kind} ${event.path}`;
      const callbacks = this.callbacks.get(key) ?? [];
      this.callbacks.delete(key);
      for (const callback of callbacks) callback(event);
    }
  }

  /** The connection holding the watches is gone: every watcher learns it will hear nothing. */
  endAll(type: 'connection-lost' | 'session-expired'): void {
    const callbacks = this.callbacks;
    this.callbacks = new Map();
    for (const [key, list] of callbacks) {
      const path = key.slice(key.indexOf(' ') + 1);
      for (const callback of list) callback({ type, path });
    }
  }
}
