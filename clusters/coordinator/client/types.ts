/** What a client call can come to, and the events a watch can deliver. */
import type { Address } from '../world.js';
import type { ErrorCode, MultiStepResult, WatchTrigger } from '../service/types.js';
import type { ServiceReason } from '../service/protocol.js';

/**
 * ok: it happened. fail: it certainly did not happen. info: unknown, it may
 * take effect at any later time (as in a Jepsen history).
 */
export type Outcome<T = unknown> =
  | { type: 'ok'; value: T }
  | { type: 'fail'; reason: FailReason; leaderHint?: Address | null; results?: MultiStepResult[] }
  | { type: 'info'; reason: 'timeout' | 'connection-lost' };

export type FailReason =
  | ErrorCode
  | ServiceReason
  /** The call was never sent: no connection in time, or the client is closed. */
  | 'not-connected'
  /** A compare-and-set found another value than the expected one. */
  | 'compare-failed'
  /** A recipe saw a state it cannot work with (e.g. a register holding a non-number). */
  | 'unexpected-state';

export type Callback<T = unknown> = (outcome: Outcome<T>) => void;

/** A watch's single event, or why it will never come. */
export type WatchEvent =
  | WatchTrigger
  /** The connection that held the watch is gone; the change may or may not have happened. */
  | { type: 'connection-lost'; path: string }
  | { type: 'session-expired'; path: string };

export type ClientState = 'idle' | 'connecting' | 'connected' | 'expired' | 'closed';

export function ok<T>(value: T): Outcome<T> {
  return { type: 'ok', value };
}

export function fail<T = never>(reason: FailReason): Outcome<T> {
  return { type: 'fail', reason };
}
