/**
 * How a ZooKeeper call's end becomes an operation's outcome, as the bundled
 * coordinator's client names them: a call never sent fails "not-connected";
 * no answer in time is unknown ("timeout"); a lost connection or session is
 * unknown ("connection-lost", "session-expired"), because the request may
 * have reached the server; any other error is the server's definite answer
 * and fails with the error's name (NO_NODE, NODE_EXISTS, BAD_VERSION, ...).
 */
import type { OperationOutcome } from '../../workloads/index.js';
import { OperationEnded, type Unsuccessful } from '../real-support/index.js';
import type { CallResult } from './session.js';

export { OperationEnded } from '../real-support/index.js';


/** Error names after which the request may still have taken effect. */
const UNKNOWN_ERRORS = new Map([
  ['CONNECTION_LOSS', 'connection-lost'],
  ['SESSION_EXPIRED', 'session-expired'],
  ['OPERATION_TIMEOUT', 'timeout'],
]);

export function unsuccessful(result: Exclude<CallResult<unknown>, { type: 'ok' }>): Unsuccessful {
  if (result.type === 'not-sent') return { type: 'fail', error: 'not-connected' };
  if (result.type === 'timeout') return { type: 'info', error: 'timeout' };
  const unknown = UNKNOWN_ERRORS.get(result.code);
  return unknown === undefined ? { type: 'fail', error: result.code } : { type: 'info', error: unknown };
}

/** The call's value, or ends the operation with the outcome its failure means. */
export function valueOf<T>(result: CallResult<T>): T {
  if (result.type === 'ok') return result.value;
  throw new OperationEnded(unsuccessful(result));
}

export function isError(result: CallResult<unknown>, code: string): boolean {
  return result.type === 'error' && result.code === code;
}

/** Registers hold integers as the decimal text of a znode's data; empty data is no value. */
export function parseRegister(data: Buffer | undefined | null): number | null {
  const text = data === undefined || data === null ? '' : data.toString('utf8');
  if (text === '') return null;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new OperationEnded({ type: 'fail', error: 'unexpected-state' });
  return value;
}

/** The counter ZooKeeper appends to a sequential node's name (10 digits). */
export function sequenceSuffix(name: string): number {
  const match = /(\d{10})$/.exec(name);
  if (match === null) throw new OperationEnded({ type: 'fail', error: 'unexpected-state' });
  return Number(match[1]);
}

/** Marks a timed-out call, so the client abandons its session (nothing queued in it may go out later unseen). */
export function needsNewSession(outcome: OperationOutcome): boolean {
  return outcome.type === 'info' && outcome.error === 'timeout';
}
