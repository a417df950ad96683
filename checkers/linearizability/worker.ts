/** A worker thread of checkLinearizableParallel: checks the keys it is sent. */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { isFaultlineError } from '../../common/errors.js';
import { checkParts } from './check.js';
import { createModel } from './models/index.js';
import type { WorkerReply, WorkerRequest } from './parallel.js';
import { unpackPart } from './transfer.js';

const request = workerData as WorkerRequest;
let reply: WorkerReply;
try {
  const model = createModel(request.modelName, request.modelOptions);
  const options = {
    nowMs: () => performance.now(),
    firstViolation: request.firstViolation,
    ...(request.timeoutMs === undefined ? {} : { timeoutMs: request.timeoutMs }),
    ...(request.maxCacheBytes === undefined ? {} : { maxCacheBytes: request.maxCacheBytes }),
  };
  const result = checkParts(model, request.parts.map(unpackPart), request.ops, options, request.signal);
  reply = { result };
} catch (error) {
  // A user's mistake (a history the model cannot read) must reach the CLI as the same typed error.
  if (!isFaultlineError(error)) throw error;
  reply = { error: { code: error.code, message: error.message, where: error.where, hint: error.hint } };
}
parentPort?.postMessage(reply);
