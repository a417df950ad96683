/**
 * What both engines share beyond engine.ts: tuning knobs the interface leaves
 * open, the inspection hook the invariant checks need, and how an engine
 * reacts when a peer breaks the protocol.
 */
import assert from 'node:assert/strict';
import type { ConsensusEngine, EngineOptions, LogEntry, Position } from '../../engine.js';

export interface EngineTuning {
  /** Take a snapshot and drop the log prefix once this many applied entries follow the last one. */
  compactAfterEntries?: number;
  /** Most entries one replication message carries. */
  maxEntriesPerMessage?: number;
}

export type TunedEngineOptions = EngineOptions & EngineTuning;

export const DEFAULT_COMPACT_AFTER_ENTRIES = 1000;
export const DEFAULT_MAX_ENTRIES_PER_MESSAGE = 64;

/** An engine whose whole log (not only its committed prefix) can be read, for log-matching checks. */
export interface InspectableEngine extends ConsensusEngine {
  /** Every entry of the local log with position >= fromPosition, committed or not. */
  logEntries(fromPosition: Position): LogEntry[];
}

export const ENGINE_BUG_NAMES = [
  'vote-ignores-log',
  'ack-before-quorum',
  'minority-commit',
  'stale-lease-read',
  'sync-ack-before-durable',
  'follower-applies-uncommitted',
] as const;

export type EngineBugName = (typeof ENGINE_BUG_NAMES)[number];

export function hasBug(options: EngineOptions, name: EngineBugName): boolean {
  return options.bugs.has(name);
}

/**
 * A correct engine only breaks this condition when a peer misbehaves, which
 * only a deliberate bug mode does. With a bug on we log and carry on, as a
 * real replica would, so the harness's checkers get to see the damage; with
 * none on it is a programmer error.
 */
export function expectPeersCorrect(options: EngineOptions, condition: boolean, message: string): boolean {
  if (condition) return true;
  if (options.bugs.size === 0) assert.fail(message);
  options.world.log(`protocol violated (bug mode): ${message}`);
  return false;
}

export function majority(voterCount: number): number {
  assert.ok(voterCount > 0, 'a cluster needs at least one voter');
  return Math.floor(voterCount / 2) + 1;
}

/** The quorum a leader counts when it commits; the minority-commit bug counts one short. */
export function commitQuorum(options: EngineOptions, voterCount: number): number {
  if (hasBug(options, 'minority-commit')) return Math.max(1, Math.floor(voterCount / 2));
  return majority(voterCount);
}

/** The highest value that at least `quorum` of the values reach. */
export function quorumValue(values: readonly number[], quorum: number): number {
  if (values.length < quorum) return -Infinity;
  // A cluster has a handful of voters: counting, for each candidate, the values that reach it
  // allocates nothing, where sorting a copy did on every acknowledgement.
  let best = -Infinity;
  for (let index = 0; index < values.length; index++) {
    const candidate = values[index] as number;
    if (candidate <= best) continue;
    let reaching = 0;
    for (let other = 0; other < values.length; other++) if ((values[other] as number) >= candidate) reaching++;
    if (reaching >= quorum) best = candidate;
  }
  return best;
}
