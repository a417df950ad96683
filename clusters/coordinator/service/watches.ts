/**
 * One-shot watches, local to the server a client is connected to (as in
 * ZooKeeper: watches are not replicated). A watch fires at most once, on the
 * first committed change it covers, and is then gone.
 */
import type { Stat, WatchTrigger, Zxid } from './types.js';

export type WatchKind = 'data' | 'child';

const NOBODY: readonly string[] = Object.freeze([]);

export class WatchManager {
  private readonly byKind: Record<WatchKind, Map<string, Set<string>>> = {
    data: new Map(),
    child: new Map(),
  };
  /** Connection -> its watches as "kind path", so a closed connection drops them all. */
  private readonly byConnection = new Map<string, Set<string>>();

  add(kind: WatchKind, path: string, connection: string): void {
    let watchers = this.byKind[kind].get(path);
    if (watchers === undefined) this.byKind[kind].set(path, (watchers = new Set()));
    watchers.add(connection);
    let owned = this.byConnection.get(connection);
    if (owned === undefined) this.byConnection.set(connection, (owned = new Set()));
    owned.add(`${kind} ${path}`);
  }

  /** Connections to tell about the trigger, each once; their watches are used up. */
  fire(trigger: WatchTrigger): readonly string[] {
    // Most changes are watched by nobody: every applied entry asks, so that answer allocates nothing.
    const dataWatched = trigger.type !== 'children-changed' && this.byKind.data.has(trigger.path);
    const childWatched = (trigger.type === 'deleted' || trigger.type === 'children-changed') && this.byKind.child.has(trigger.path);
    if (!dataWatched && !childWatched) return NOBODY;
    const kinds: WatchKind[] =
      trigger.type === 'deleted' ? ['data', 'child'] : trigger.type === 'children-changed' ? ['child'] : ['data'];
    const notified = new Set<string>();
    for (const kind of kinds) {
      const watchers = this.byKind[kind].get(trigger.path);
      if (watchers === undefined) continue;
      this.byKind[kind].delete(trigger.path);
      for (const connection of watchers) {
        notified.add(connection);
        this.byConnection.get(connection)?.delete(`${kind} ${trigger.path}`);
      }
    }
    return [...notified];
  }

  removeConnection(connection: string): void {
    for (const watch of this.byConnection.get(connection) ?? []) {
      const [kind, path] = splitWatch(watch);
      const watchers = this.byKind[kind].get(path);
      watchers?.delete(connection);
      if (watchers?.size === 0) this.byKind[kind].delete(path);
    }
    this.byConnection.delete(connection);
  }

  /** Every watched path, sorted, for comparing states around a snapshot install. */
  watchedPaths(): string[] {
    return [...new Set([...this.byKind.data.keys(), ...this.byKind.child.keys()])].sort();
  }

  count(): number {
    let total = 0;
    for (const kind of ['data', 'child'] as const) {
      for (const watchers of this.byKind[kind].values()) total += watchers.size;
    }
    return total;
  }

  /**
   * Triggers for watched paths whose node differs between two states, for a
   * state replaced wholesale by a snapshot, where no per-entry changes exist.
   */
  differences(statBefore: (path: string) => Stat | null, statAfter: (path: string) => Stat | null, zxid: Zxid): WatchTrigger[] {
    const triggers: WatchTrigger[] = [];
    for (const path of [...this.byKind.data.keys()].sort()) {
      const [before, after] = [statBefore(path), statAfter(path)];
      if (before === null && after !== null) triggers.push({ type: 'created', path, zxid });
      else if (before !== null && after === null) triggers.push({ type: 'deleted', path, zxid });
      else if (before !== null && after !== null && before.mzxid !== after.mzxid) {
        triggers.push({ type: 'data-changed', path, zxid });
      }
    }
    for (const path of [...this.byKind.child.keys()].sort()) {
      const [before, after] = [statBefore(path), statAfter(path)];
      if (after === null) triggers.push({ type: 'deleted', path, zxid });
      else if (before === null || before.pzxid !== after.pzxid) triggers.push({ type: 'children-changed', path, zxid });
    }
    return triggers;
  }
}

function splitWatch(watch: string): [WatchKind, string] {
  const space = watch.indexOf(' ');
  return [watch.slice(0, space) as WatchKind, watch.slice(space + 1)];
}
