/**
 * P-compositionality across cores: independent keys are checked in worker
 * threads when the history is big enough for that to pay (copying operations
 * to a worker costs about as much as checking easy keys in place).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FaultlineError, type ErrorCode } from '../../common/errors.js';
import type { Operation } from '../../common/history/types.js';
import { combineVerdicts, compareKeys } from '../checker.js';
import {
  checkParts,
  createPartClaims,
  createViolationSignal,
  rankParts,
  type CheckOptions,
  type LinearizabilityResult,
  type PartClaims,
  type RankedPart,
  type ViolationSignal,
} from './check.js';
import type { Model, ModelOptions } from './model.js';
import { createModel } from './models/index.js';
import { packPart, transferables, type PackedPart } from './transfer.js';

/** In-process search time per key before a key counts as hard and may go to a worker. */
export const EASY_KEY_BUDGET_MS = 250;
/**
 * From this many operations a history with several keys is shared with
 * workers from the start: each worker is sent a share of the keys (the last
 * ones in key order) and takes them from the last down, while this thread
 * takes every key from the first up, those in a worker's share included, so
 * whichever thread is slower (a worker still starting, a busy core) leaves
 * its keys to the other. Below it, packing and copying a share cost more than
 * the worker saves: on 2 shared cores (load 8) the search of a 1M-op kv
 * history took 4.7-6.3 s split this way against 1.1-2.3 s in one thread, the
 * parent spending 1.6 s packing and posting 500k operations; on an idle
 * machine a 4M-op one took 7.8 s split against 2.9 s (whole process 21.2 s
 * against 16.4 s, and 1 GiB more memory). No size measured here pays, so the
 * split is off unless a caller asks for it (upfrontSplitOperations); hard
 * keys still go to workers (EASY_KEY_BUDGET_MS).
 */
export const UPFRONT_SPLIT_OPERATIONS = Number.POSITIVE_INFINITY;
/** Young generation of a checking worker: the default one collects the copied operations many times over. */
const WORKER_YOUNG_GENERATION_MIB = 64;

export interface ParallelOptions extends CheckOptions {
  /** Worker threads to use at most; default: one per core. */
  workers?: number;
  /** Overrides EASY_KEY_BUDGET_MS; 0 sends every key to the workers. */
  easyKeyBudgetMs?: number;
  /** Overrides UPFRONT_SPLIT_OPERATIONS. */
  upfrontSplitOperations?: number;
}

export interface WorkerRequest {
  modelName: string;
  modelOptions: ModelOptions;
  parts: PackedPart[];
  ops: number;
  timeoutMs?: number;
  maxCacheBytes?: number;
  firstViolation: boolean;
  signal: ViolationSignal;
  /** Given, the parts are taken from the last down, each only when no other thread took it (see checkParts). */
  claims?: PartClaims;
  /** This worker's mark in claims (2 and up; 1 is the parent's). */
  thread?: number;
}

/**
 * Large histories with several keys: the keys are dealt out to this thread
 * and workers up front. Smaller ones: every key is checked in process with a
 * short budget first, since copying operations to a worker costs about as
 * much as checking an easy key, and only keys that prove hard, when there are
 * at least two of them, are shipped to workers.
 */
export async function checkLinearizableParallel(
  modelName: string,
  modelOptions: ModelOptions,
  operations: Operation[],
  options: ParallelOptions,
): Promise<LinearizabilityResult> {
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const model = createModel(modelName, modelOptions);
  const parts = rankParts(operations);
  if (workers === 1 || parts.length < 2) return checkParts(model, parts, operations.length, options, createViolationSignal(false));
  const started = options.nowMs();
  const signal = createViolationSignal(true);
  const upfront = operations.length >= (options.upfrontSplitOperations ?? UPFRONT_SPLIT_OPERATIONS) && options.easyKeyBudgetMs !== 0;
  const shipping = { modelName, modelOptions, options, signal };
  const { results, keysInWorkers } = upfront
    ? await checkSplit(model, parts, workers, shipping)
    : await checkEasyFirst(model, parts, workers, shipping);
  const combined = combine(results, operations.length, options.nowMs() - started, options.firstViolation === true);
  return { ...combined, keysInWorkers };
}

interface Shipping {
  modelName: string;
  modelOptions: ModelOptions;
  options: ParallelOptions;
  signal: ViolationSignal;
}

interface Checked {
  results: LinearizabilityResult[];
  keysInWorkers: number;
}

/**
 * Workers are started first (their start overlaps the packing), each sent a
 * share of the keys from the end; this thread checks every key it can claim
 * in key order. Each key is checked by exactly one thread, so the verdicts
 * are those of one thread, and combine() reports the first violated key.
 */
async function checkSplit(model: Model<unknown, unknown>, parts: RankedPart[], workers: number, shipping: Shipping): Promise<Checked> {
  const { options } = shipping;
  const shares = workerShares(parts, workers);
  const share = options.maxCacheBytes === undefined ? {} : { maxCacheBytes: Math.floor(options.maxCacheBytes / (shares.length + 1)) };
  const claims = createPartClaims(parts.length);
  const started = shares.map(() => startWorker());
  const shipped = shares.map((group, index) => started[index]!.send({ ...workerRequest(group, shipping, options.timeoutMs, share), claims, thread: index + 2 }));
  const here = checkParts(model, parts, 0, { ...options, ...share }, shipping.signal, claims);
  // Every key is claimed now: a worker that took none (still starting) has nothing to wait for.
  const working = shipped.filter((_, index) => {
    const busy = claims.includes(index + 2);
    if (!busy) void started[index]!.stop();
    return busy;
  });
  const results = [here, ...(await Promise.all(working))];
  return { results, keysInWorkers: results.slice(1).reduce((sum, result) => sum + result.keys, 0) };
}

/**
 * The keys each worker is sent: from the end of the key order, a share of
 * the operations as large as this thread's, the last share nearest the end.
 */
function workerShares(parts: RankedPart[], workers: number): RankedPart[][] {
  const threads = Math.min(workers, parts.length);
  const total = parts.reduce((sum, part) => sum + part.operations.length, 0);
  const shares: RankedPart[][] = [];
  let end = parts.length;
  for (let share = 1; share < threads && end > 1; share++) {
    let size = 0;
    let start = end;
    while (start > 1 && size < total / threads) size += parts[--start]!.operations.length;
    shares.push(parts.slice(start, end));
    end = start;
  }
  return shares;
}

async function checkEasyFirst(model: Model<unknown, unknown>, parts: RankedPart[], workers: number, shipping: Shipping): Promise<Checked> {
  const { options, signal } = shipping;
  const deadline = options.timeoutMs === undefined ? Infinity : options.nowMs() + options.timeoutMs;
  const results: LinearizabilityResult[] = [];
  const hard: RankedPart[] = [];
  const easyBudgetMs = options.easyKeyBudgetMs ?? EASY_KEY_BUDGET_MS;
  for (const part of parts) {
    if (easyBudgetMs === 0) {
      hard.push(part);
      continue;
    }
    const budgetMs = Math.max(0, Math.min(easyBudgetMs, deadline - options.nowMs()));
    const result = checkParts(model, [part], 0, { ...options, timeoutMs: budgetMs }, signal);
    if (result.valid === 'unknown' && options.nowMs() < deadline) hard.push(part);
    else results.push(result);
  }
  const remainingMs = deadline === Infinity ? undefined : Math.max(0, deadline - options.nowMs());
  const limits = { ...options, ...(remainingMs === undefined ? {} : { timeoutMs: remainingMs }) };
  if (hard.length === 1) {
    results.push(checkParts(model, hard, 0, limits, signal));
  } else if (hard.length > 1) {
    const groups = deal(hard, Math.min(workers, hard.length));
    const share = options.maxCacheBytes === undefined ? {} : { maxCacheBytes: Math.floor(options.maxCacheBytes / groups.length) };
    results.push(...(await Promise.all(groups.map((group) => ship(group, shipping, remainingMs, share)))));
  }
  return { results, keysInWorkers: hard.length > 1 ? hard.length : 0 };
}

function ship(group: RankedPart[], shipping: Shipping, timeoutMs: number | undefined, share: { maxCacheBytes?: number }): Promise<LinearizabilityResult> {
  return startWorker().send(workerRequest(group, shipping, timeoutMs, share));
}

function workerRequest(group: RankedPart[], shipping: Shipping, timeoutMs: number | undefined, share: { maxCacheBytes?: number }): WorkerRequest {
  return {
    modelName: shipping.modelName,
    modelOptions: shipping.modelOptions,
    parts: group.map(packPart),
    ops: 0,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
    ...share,
    firstViolation: shipping.options.firstViolation === true,
    signal: shipping.signal,
  };
}

/**
 * Parts dealt out in key order, each to the group with the fewest operations
 * so far: the groups come out about even, and each works through the low
 * ranks first, which is what a search for the first violated key wants.
 */
function deal(parts: RankedPart[], groupCount: number): RankedPart[][] {
  const groups: RankedPart[][] = Array.from({ length: groupCount }, () => []);
  const sizes = new Array<number>(groupCount).fill(0);
  for (const part of parts) {
    const smallest = sizes.indexOf(Math.min(...sizes));
    groups[smallest]!.push(part);
    sizes[smallest]! += part.operations.length;
  }
  return groups.filter((group) => group.length > 0);
}

export type WorkerReply =
  | { result: LinearizabilityResult }
  | { error: { code: ErrorCode; message: string; where: string | undefined; hint: string | undefined } };

interface StartedWorker {
  /** Sends the request (its typed arrays moved, not copied) and resolves to the worker's result. */
  send(request: WorkerRequest): Promise<LinearizabilityResult>;
  /** Ends the worker; its result is not waited for. */
  stop(): Promise<number>;
}

/** A worker started now, to be sent its request when it is ready: its start overlaps the caller's work. */
function startWorker(): StartedWorker {
  const worker = new Worker(new URL('./worker.js', import.meta.url), {
    resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MIB },
  });
  let stopping = false;
  const result = new Promise<LinearizabilityResult>((resolve, reject) => {
    worker.once('message', (reply: WorkerReply) => {
      if ('result' in reply) return resolve(reply.result);
      const { code, message, where, hint } = reply.error;
      reject(new FaultlineError(code, message, { ...(where === undefined ? {} : { where }), ...(hint === undefined ? {} : { hint }) }));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0 && !stopping) reject(new Error(`linearizability worker exited with code ${code}`));
    });
  });
  return {
    send(request) {
      worker.postMessage(request, request.parts.flatMap(transferables));
      return result;
    },
    stop() {
      stopping = true;
      return worker.terminate();
    },
  };
}

function combine(results: LinearizabilityResult[], ops: number, checkMs: number, firstViolation: boolean): LinearizabilityResult {
  const valid = combineVerdicts(results);
  // The first violated key in key order, so the counterexample does not depend on worker timing.
  const violated = results
    .filter((result) => result.counterexample !== undefined)
    .sort((left, right) => compareKeys(left.counterexample!.key, right.counterexample!.key))[0];
  const unknown = results.find((result) => result.valid === 'unknown');
  const keys = results.reduce((sum, result) => sum + result.keys, 0);
  let keyResults = results.flatMap((result) => result.keyResults).sort((left, right) => compareKeys(left.key, right.key));
  // Past the first violated key, what another thread reached depends on timing: left out.
  const firstKey = violated?.counterexample?.key;
  if (firstViolation && firstKey !== undefined) keyResults = keyResults.filter((item) => compareKeys(item.key, firstKey) <= 0);
  return {
    valid,
    model: results[0]!.model,
    ops,
    keys,
    keyResults: keys <= 20 ? keyResults : keyResults.filter((item) => item.valid !== true),
    ...(violated?.counterexample === undefined ? {} : { counterexample: violated.counterexample }),
    ...(valid === 'unknown' && unknown?.reason !== undefined ? { reason: unknown.reason } : {}),
    checkMs,
  };
}
