/**
 * Checks a history's operations for linearizability against a model: splits
 * them by key (P-compositionality), prepares and prunes each part, searches
 * each within one shared deadline and memory bound, and combines the
 * verdicts: false beats unknown beats true.
 */
import type { Operation } from '../../common/history/types.js';
import { combineVerdicts, compareKeys, groupByKey, LOOK_AT_CLIENTS, nothingToJudge, type Verdict } from '../checker.js';
import { explain } from './explain.js';
import { INVALID, type Lookahead, type Model, type PreparedOperation } from './model.js';
import { searchLinearization, type SearchFailure, type SearchLimits, type SearchResult } from './search.js';
import { toCounterexample, type Counterexample } from './counterexample.js';

export interface KeyResult {
  /** The key, or null for a history without keys. */
  key: string | null;
  valid: Verdict;
  /** Operations of this key, failed ones included. */
  ops: number;
  /** Operations the search had to place, after dropping and pruning. */
  searched: number;
  steps: number;
  reason?: string;
}

export interface LinearizabilityResult {
  valid: Verdict;
  model: string;
  ops: number;
  keys: number;
  /** Keys whose verdict is not true, and, when there are few keys, all of them. */
  keyResults: KeyResult[];
  counterexample?: Counterexample;
  reason?: string;
  checkMs: number;
  /** Keys that were checked in worker threads, when any were. */
  keysInWorkers?: number;
}

export interface CheckOptions {
  /** Wall-clock milliseconds; injected so the checker itself stays deterministic. */
  nowMs: () => number;
  timeoutMs?: number;
  maxCacheBytes?: number;
  /** Stop at the first violated key in key order (compareKeys) instead of explaining every key. */
  firstViolation?: boolean;
}

/** One key's operations and its position among all the history's keys in key order. */
export interface RankedPart {
  key: string | null;
  rank: number;
  operations: Operation[];
}

/**
 * With firstViolation, the lowest rank of a violated key found so far, shared
 * by the threads that check one history's keys (slot 0; 2^31-1 for none).
 */
export type ViolationSignal = Int32Array;

export function createViolationSignal(shared: boolean): ViolationSignal {
  const signal = new Int32Array(shared ? new SharedArrayBuffer(4) : new ArrayBuffer(4));
  signal[0] = NO_VIOLATION;
  return signal;
}

const NO_VIOLATION = 0x7fffffff;

export const DEFAULT_MAX_CACHE_BYTES = 1024 * 1024 * 1024;
const ALL_KEYS_SHOWN_BELOW = 20;

export function checkLinearizable(
  model: Model<unknown, unknown>,
  operations: Operation[],
  options: CheckOptions,
): LinearizabilityResult {
  return checkParts(model, rankParts(operations), operations.length, options, createViolationSignal(false));
}

/** Operations split by key, in key order, each with its rank. */
export function rankParts(operations: readonly Operation[]): RankedPart[] {
  const parts = [...groupByKey(operations)].sort(([left], [right]) => compareKeys(left, right));
  return parts.map(([key, part], rank) => ({ key, rank, operations: part }));
}

/**
 * Which thread checks each part, when threads share a history's parts: slot
 * `rank` is 0 while no thread has taken that part, then the taker's mark.
 */
export type PartClaims = Int32Array;

export function createPartClaims(parts: number): PartClaims {
  return new Int32Array(new SharedArrayBuffer(4 * Math.max(1, parts)));
}

/** Takes the part for this thread (its mark: 1 for the parent); false when another thread took it first. */
function claim(claims: PartClaims | undefined, rank: number, thread: number): boolean {
  return claims === undefined || Atomics.compareExchange(claims, rank, 0, thread) === 0;
}

/**
 * Checks the parts in the order given, each that this thread claims (all of
 * them without claims). With firstViolation, a part ranked after a violated
 * one (found here or by another thread sharing the signal) is skipped, and
 * only the first violated key is reported; the order may be either way.
 */
export function checkParts(
  model: Model<unknown, unknown>,
  parts: RankedPart[],
  ops: number,
  options: CheckOptions,
  signal: ViolationSignal,
  claims?: PartClaims,
  thread = 1,
): LinearizabilityResult {
  const started = options.nowMs();
  const deadline = options.timeoutMs === undefined ? Infinity : started + options.timeoutMs;
  const limits: SearchLimits = {
    expired: () => options.nowMs() > deadline,
    maxCacheBytes: options.maxCacheBytes ?? DEFAULT_MAX_CACHE_BYTES,
  };
  const keyResults: KeyResult[] = [];
  let counterexample: { rank: number; value: Counterexample } | undefined;
  let claimed = 0;
  for (const { key, rank, operations } of parts) {
    if (!claim(claims, rank, thread)) continue;
    claimed++;
    if (options.firstViolation === true && Atomics.load(signal, 0) < rank) continue;
    const result = checkPart(model, key, operations, limits);
    keyResults.push(result.keyResult);
    if (result.counterexample !== undefined && (counterexample === undefined || rank < counterexample.rank)) {
      counterexample = { rank, value: result.counterexample };
    }
    if (options.firstViolation === true && result.keyResult.valid === false) lowerTo(signal, rank);
  }
  return partsResult(model, keyResults, counterexample?.value, { ops, keys: claimed, checkMs: options.nowMs() - started });
}

function partsResult(
  model: Model<unknown, unknown>,
  keyResults: KeyResult[],
  counterexample: Counterexample | undefined,
  counts: { ops: number; keys: number; checkMs: number },
): LinearizabilityResult {
  const valid = combineVerdicts(keyResults);
  const reason = keyResults.find((item) => item.valid === 'unknown')?.reason;
  const shown = counts.keys <= ALL_KEYS_SHOWN_BELOW ? keyResults : keyResults.filter((item) => item.valid !== true);
  return {
    valid,
    model: model.name,
    ops: counts.ops,
    keys: counts.keys,
    keyResults: shown,
    ...(counterexample === undefined ? {} : { counterexample }),
    ...(valid === 'unknown' && reason !== undefined ? { reason } : {}),
    checkMs: counts.checkMs,
  };
}

/**
 * A valid verdict needs evidence: a history with no client operation that
 * ended ok (none at all, or all failed or unknown) observed nothing, so it is
 * unknown, not linearizable. Applied to a whole history, never to one key.
 */
export function requireEvidence(result: LinearizabilityResult, operations: readonly Operation[]): LinearizabilityResult {
  if (result.valid !== true) return result;
  // Stops at the first ok operation: counting all would walk a million scattered operations once more.
  if (operations.some((operation) => operation.status === 'ok')) return result;
  const counts = { ok: 0, fail: 0, info: 0 };
  for (const operation of operations) counts[operation.status] += 1;
  const what =
    operations.length === 0
      ? 'the history has no client operations'
      : `none of its ${operations.length} client operations ended ok (${counts.fail} failed, ${counts.info} ended unknown)`;
  return { ...result, valid: 'unknown', reason: nothingToJudge(what, LOOK_AT_CLIENTS) };
}

function lowerTo(signal: ViolationSignal, rank: number): void {
  for (let seen = Atomics.load(signal, 0); rank < seen; seen = Atomics.load(signal, 0)) {
    if (Atomics.compareExchange(signal, 0, seen, rank) === seen) return;
  }
}

export function prepareOperations(
  model: Model<unknown, unknown>,
  operations: Operation[],
): PreparedOperation<unknown>[] {
  const prepared: PreparedOperation<unknown>[] = [];
  for (const operation of operations) {
    const input = model.prepare(operation);
    if (input === null) continue;
    prepared.push({ operation, input, outputKnown: operation.status === 'ok' });
  }
  return model.prune === undefined ? prepared : model.prune(prepared);
}

function checkPart(
  model: Model<unknown, unknown>,
  key: string | null,
  operations: Operation[],
  limits: SearchLimits,
): { keyResult: KeyResult; counterexample?: Counterexample } {
  const prepared = prepareOperations(model, operations);
  const search = searchLinearization(model, prepared, limits);
  const keyResult: KeyResult = {
    key,
    valid: search.valid,
    ops: operations.length,
    searched: prepared.length,
    steps: search.steps,
    ...(search.valid === 'unknown' ? { reason: unknownReason(search, key) } : {}),
  };
  if (search.valid !== false) return { keyResult };
  const failure = search.failure;
  const blamed = blameOperation(model, prepared, failure);
  const blocking = prepared[blamed]!.operation;
  const explanation = explain({
    model,
    blocking,
    operations,
    prefixLength: failure.prefix.length,
    pendingCount: failure.pending.length,
    stateAfterPrefix: failure.state,
  });
  return { keyResult, counterexample: toCounterexample(model, key, prepared, failure, explanation, blamed) };
}

/**
 * The operation to explain. The search stops at an operation whose return it
 * cannot pass, but with lookahead that is often a write that would make some
 * read impossible; that read is what a person wants to see. So: a known
 * operation that no order can place after the prefix, else one that placing
 * the stuck operation makes impossible, else the stuck operation itself.
 */
function blameOperation(
  model: Model<unknown, unknown>,
  prepared: PreparedOperation<unknown>[],
  failure: SearchFailure,
): number {
  const lookahead = model.lookahead?.(prepared) ?? null;
  if (lookahead === null) return failure.blocking;
  const linearizedSet = new Set(failure.prefix);
  const impossible = findImpossible(prepared, lookahead, failure.state, linearizedSet);
  if (impossible !== undefined) return impossible;
  const blocking = prepared[failure.blocking]!;
  const afterBlocking = model.step(failure.state, blocking.input, blocking.outputKnown);
  if (afterBlocking === INVALID) return failure.blocking;
  linearizedSet.add(failure.blocking);
  return findImpossible(prepared, lookahead, afterBlocking, linearizedSet) ?? failure.blocking;
}

function findImpossible(
  prepared: PreparedOperation<unknown>[],
  lookahead: Lookahead<unknown, unknown>,
  state: unknown,
  linearizedSet: Set<number>,
): number | undefined {
  for (let index = 0; index < prepared.length; index++) {
    if (linearizedSet.has(index) || !prepared[index]!.outputKnown) continue;
    if (!lookahead(state, prepared[index]!.input, linearizedSet, index)) return index;
  }
  return undefined;
}

function unknownReason(search: Extract<SearchResult, { valid: 'unknown' }>, key: string | null): string {
  const where = key === null ? '' : ` on key ${key}`;
  if (search.reason === 'timeout') {
    return `the search${where} ran out of time after ${search.steps} steps; raise --timeout to search longer`;
  }
  return `the search${where} filled its memory cap after exploring ${search.cacheSize} states; raise --max-memory`;
}
