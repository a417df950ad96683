/**
 * Fencing tokens: the protected resource must reject stale tokens. A write
 * with token t that was ok, invoked after a write with a larger token had
 * completed ok, is a stale token accepted. Concurrent writes have no order,
 * and fail or info writes say nothing certain, so neither is judged.
 */
import { HistoryError } from '../../common/errors.js';
import type { Operation, ProcessId } from '../../common/history/types.js';
import {
  DEFAULT_MAX_ANOMALIES,
  describeMomentOf,
  groupByKey,
  LOOK_AT_CLIENTS,
  momentOf,
  nothingToJudge,
  onKey,
  type Checker,
  type CheckerInput,
  type CheckerResult,
  type Moment,
} from '../checker.js';

export interface TokenWrite {
  process: ProcessId;
  /** The token as the history holds it (a number, or digits when it exceeds 2^53). */
  token: number | string;
  /** Invocation for the stale write, completion for the one it should have lost to. */
  at: Moment;
}

export interface StaleToken {
  kind: 'stale-token';
  key: string | null;
  accepted: TokenWrite;
  after: TokenWrite;
}

export interface FencingOptions {
  /** The function of resource writes. */
  writeFunction?: string;
  maxAnomalies?: number;
}

export type FencingResult = CheckerResult<StaleToken>;

export const fencingChecker: Checker<FencingOptions, FencingResult> = {
  name: 'fencing',
  check: (input, options) => checkFencing(input, options),
};

interface Fenced {
  operation: Operation;
  token: number | string;
  order: bigint;
}

export function checkFencing(input: CheckerInput, options: FencingOptions = {}): FencingResult {
  const writeFunction = options.writeFunction ?? 'write-resource';
  const maxAnomalies = options.maxAnomalies ?? DEFAULT_MAX_ANOMALIES;
  const writes = input.operations.filter((operation) => operation.f === writeFunction && operation.status === 'ok');
  const anomalies: StaleToken[] = [];
  let staleCount = 0;
  for (const [key, operations] of groupByKey(writes)) {
    for (const stale of staleWrites(key, operations.map(fenced))) {
      staleCount += 1;
      if (anomalies.length < maxAnomalies) anomalies.push(stale);
    }
  }
  const first = anomalies[0];
  const noWrites = writes.length === 0;
  const what = `no ${writeFunction} ended ok, so no token was ever put to the resource`;
  return {
    checker: 'fencing',
    valid: noWrites ? 'unknown' : anomalies.length === 0,
    ...(noWrites ? { reason: nothingToJudge(what, LOOK_AT_CLIENTS) } : {}),
    anomalies,
    stats: { acceptedWrites: writes.length, staleTokensAccepted: staleCount },
    ...(first === undefined ? {} : { sentence: describeStale(first) }),
  };
}

/** Ok writes (in invocation order) whose token is below one already accepted before they were invoked. */
function* staleWrites(key: string | null, writes: readonly Fenced[]): Generator<StaleToken> {
  const byReturn = [...writes].sort((left, right) => left.operation.returnIndex - right.operation.returnIndex);
  let returned = 0;
  let highest: Fenced | undefined;
  for (const write of writes) {
    while (returned < byReturn.length && byReturn[returned]!.operation.returnIndex < write.operation.callIndex) {
      const candidate = byReturn[returned]!;
      if (highest === undefined || candidate.order > highest.order) highest = candidate;
      returned += 1;
    }
    if (highest !== undefined && write.order < highest.order) {
      yield {
        kind: 'stale-token',
        key,
        accepted: tokenWrite(write, write.operation.callIndex, write.operation.callTime),
        after: tokenWrite(highest, highest.operation.returnIndex, highest.operation.returnTime),
      };
    }
  }
}

function tokenWrite(write: Fenced, index: number, time: number | undefined): TokenWrite {
  return { process: write.operation.process, token: write.token, at: momentOf(index, time) };
}

function fenced(operation: Operation): Fenced {
  const token = tokenOf(operation.input) ?? tokenOf(operation.output);
  if (token === undefined) {
    throw new HistoryError(`write-resource by process ${String(operation.process)} carries no token`, {
      where: `event ${operation.callIndex}`,
      hint: 'a fenced write has the value {"token": <integer>}',
    });
  }
  return { operation, token, order: BigInt(token) };
}

/** Tokens are integers; zxids can exceed 2^53, so digit strings are accepted and compared as bigints. */
function tokenOf(value: unknown): number | string | undefined {
  if (typeof value !== 'object' || value === null || !('token' in value)) return undefined;
  const token = (value as { token: unknown }).token;
  if (typeof token === 'number' && Number.isSafeInteger(token)) return token;
  if (typeof token === 'string' && /^-?\d+$/.test(token)) return token;
  return undefined;
}

/** What every stale token is, whatever its tokens and times. */
export function staleShape(anomaly: Pick<StaleToken, 'kind'>): string {
  return anomaly.kind === 'stale-token' ? 'the resource accepted a smaller token after a larger one' : String(anomaly.kind);
}

export function describeStale(anomaly: StaleToken): string {
  const { accepted, after } = anomaly;
  return (
    `the resource${onKey(anomaly.key)} accepted token ${accepted.token} from process ${String(accepted.process)} ` +
    `(invoked at ${describeMomentOf(accepted.at)}) after it had accepted the larger token ${after.token} ` +
    `from process ${String(after.process)} (completed at ${describeMomentOf(after.at)})`
  );
}
