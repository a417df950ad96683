/**
 * P-compositionality across cores: independent keys are checked in worker
 * threads when the history is big enough for that to pay (copying operations
 * to a worker costs about as much as checking easy keys in place).
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { FaultlineError, type ErrorCode } from '../../common/errors.js';
import type { Operation } from '../../common/history/types.js';
import { combineVerdicts, groupByKey } from '../checker.js';
import { checkLinearizable, type CheckOptions, type LinearizabilityResult } from './check.js';
import type { ModelOptions } from './model.js';
import { createModel } from './models/index.js';

/** In-process search time per key before a key counts as hard and may go to a worker. */
export const EASY_KEY_BUDGET_MS = 250;

export interface ParallelOptions extends CheckOptions {
  /** Worker threads to use at most; default: one per core. */
  workers?: number;
  /** Overrides EASY_KEY_BUDGET_MS; 0 sends every key to the workers. */
  easyKeyBudgetMs?: number;
}

export interface WorkerRequest {
  modelName: string;
  modelOptions: ModelOptions;
  operations: Operation[];
  timeoutMs?: number;
  maxCacheBytes?: number;
}

/**
 * Checks every key in process with a short budget first: copying operations to
 * a worker costs about as much as checking an easy key, so only keys that
 * prove hard, when there are at least two of them, are shipped to workers.
 */
export async function checkLinearizableParallel(
  modelName: string,
  modelOptions: ModelOptions,
  operations: Operation[],
  options: ParallelOptions,
): Promise<LinearizabilityResult> {
  const workers = Math.max(1, options.workers ?? availableParallelism());
  const model = createModel(modelName, modelOptions);
  const parts = groupByKey(operations);
  if (workers === 1 || parts.size < 2) return checkLinearizable(model, operations, options);
  const started = options.nowMs();
  const deadline = options.timeoutMs === undefined ? Infinity : started + options.timeoutMs;
  const results: LinearizabilityResult[] = [];
  const hard: Operation[][] = [];
  const easyBudgetMs = options.easyKeyBudgetMs ?? EASY_KEY_BUDGET_MS;
  for (const part of parts.values()) {
    if (easyBudgetMs === 0) {
      hard.push(part);
      continue;
    }
    const budgetMs = Math.min(easyBudgetMs, deadline - options.nowMs());
    const result = checkLinearizable(model, part, { ...options, timeoutMs: Math.max(0, budgetMs) });
    if (result.valid === 'unknown' && options.nowMs() < deadline) hard.push(part);
    else results.push(result);
  }
  const remainingMs = deadline === Infinity ? undefined : Math.max(0, deadline - options.nowMs());
  const limits = {
    ...(remainingMs === undefined ? {} : { timeoutMs: remainingMs }),
    ...(options.maxCacheBytes === undefined ? {} : { maxCacheBytes: options.maxCacheBytes }),
  };
  if (hard.length === 1) {
    results.push(checkLinearizable(model, hard[0]!, { ...options, ...limits }));
  } else if (hard.length > 1) {
    const groups = balance(hard, Math.min(workers, hard.length));
    const share = limits.maxCacheBytes === undefined ? {} : { maxCacheBytes: Math.floor(limits.maxCacheBytes / groups.length) };
    const shipped = groups.map((group) => runWorker({ modelName, modelOptions, operations: group, ...limits, ...share }));
    results.push(...(await Promise.all(shipped)));
  }
  const combined = combine(results, operations.length, options.nowMs() - started);
  return { ...combined, keysInWorkers: hard.length > 1 ? hard.length : 0 };
}

/** Greedy largest-first: each part goes to the group with the fewest operations so far. */
function balance(parts: Operation[][], groupCount: number): Operation[][] {
  const groups: Operation[][] = Array.from({ length: groupCount }, () => []);
  const sizes = new Array<number>(groupCount).fill(0);
  for (const part of [...parts].sort((left, right) => right.length - left.length)) {
    const smallest = sizes.indexOf(Math.min(...sizes));
    for (const operation of part) groups[smallest]!.push(operation);
    sizes[smallest]! += part.length;
  }
  return groups;
}

export type WorkerReply =
  | { result: LinearizabilityResult }
  | { error: { code: ErrorCode; message: string; where: string | undefined; hint: string | undefined } };

function runWorker(request: WorkerRequest): Promise<LinearizabilityResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: request });
    worker.once('message', (reply: WorkerReply) => {
      if ('result' in reply) return resolve(reply.result);
      const { code, message, where, hint } = reply.error;
      reject(new FaultlineError(code, message, { ...(where === undefined ? {} : { where }), ...(hint === undefined ? {} : { hint }) }));
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`linearizability worker exited with code ${code}`));
    });
  });
}

function combine(results: LinearizabilityResult[], ops: number, checkMs: number): LinearizabilityResult {
  const valid = combineVerdicts(results);
  // The first violated key in key order, so the counterexample does not depend on worker timing.
  const violated = results
    .filter((result) => result.counterexample !== undefined)
    .sort((left, right) => String(left.counterexample!.key).localeCompare(String(right.counterexample!.key)))[0];
  const unknown = results.find((result) => result.valid === 'unknown');
  const keys = results.reduce((sum, result) => sum + result.keys, 0);
  const keyResults = results.flatMap((result) => result.keyResults);
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
