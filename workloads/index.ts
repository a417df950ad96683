/**
 * The Workload seam: a seeded generator of operations, the op vocabulary a
 * system implements for it, and the checkers that judge its history.
 */
import type { Random } from '../common/random.js';

/** One client operation as a worker invokes it and the history records it. */
export interface OperationRequest {
  f: string;
  key?: string;
  value: unknown;
}

/** How an invoked operation ended. `info`: unknown, it may or may not have happened. */
export type OperationOutcome =
  | { type: 'ok'; value: unknown; node?: string }
  | { type: 'fail'; value?: unknown; error: string }
  | { type: 'info'; error: string };

/**
 * A client of the system under test, one per worker process, speaking one
 * workload's vocabulary. invoke() calls back exactly once, and never retries
 * an operation that may have taken effect.
 */
export interface WorkloadClient {
  invoke(request: OperationRequest, done: (outcome: OperationOutcome) => void): void;
  /** Drops the connection; the worker opens a fresh client after an info outcome. */
  close(): void;
}

export type WorkloadName = 'register' | 'lock' | 'sequence';

export interface GeneratorContext {
  random: Random;
  /** Worker (slot) asking for its next operation. */
  worker: number;
  /** Milliseconds since the run started. */
  nowMs: number;
}

/** Seeded and pure: the same random stream gives the same operations. */
export interface OperationGenerator {
  /** The next operation for this worker, or null when the workload has nothing more for it now. */
  next(context: GeneratorContext): OperationRequest | null;
}

export interface WorkloadOptions {
  keys: number;
  concurrency: number;
}

export interface Workload {
  name: WorkloadName;
  summary: string;
  generator(options: WorkloadOptions): OperationGenerator;
  /** Reads of every key after heal and recovery, so lost writes show. */
  finalOperations(options: WorkloadOptions): OperationRequest[];
  /** Names of the checkers (in checkers/) that judge this workload's history. */
  checkers: readonly string[];
}
