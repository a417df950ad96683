/** A worker thread of checkLinearizableParallel: checks the keys it is sent. */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { isFaultlineError } from '../../common/errors.js';
import { checkParts } from './check.js';
import { createModel } from './models/index.js';
import type { WorkerReply, WorkerRequest } from './parallel.js';
import { unpackPart } from './transfer.js';

function check(request: WorkerRequest): WorkerReply {
  try {
    const model = createModel(request.modelName, request.modelOptions);
    const options = {
      nowMs: () => performance.now(),
      firstViolation: request.firstViolation,
      ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
      ...(request.maxCacheBytes === undefined ? {} : { maxCacheBytes: request.maxCacheBytes }),
    };
    // With claims the share is taken from its last key down, toward the keys the parent takes from the first up.
    const parts = request.parts.map(unpackPart);
    if (request.claims !== undefined) parts.reverse();
    return { result: checkParts(model, parts, request.ops, options, request.signal, request.claims, request.thread) };
  } catch (error) {
    // A user's mistake (a history the model cannot read) must reach the CLI as the same typed error.
    if (!isFaultlineError(error)) throw error;
    return { error: { code: error.code, message: error.message, where: error.where, hint: error.hint } };
  }
}

// The request comes as a message, not as workerData: the parent starts this thread before it has packed the share.
parentPort?.once('message', (request: WorkerRequest) => parentPort?.postMessage(check(request)));
