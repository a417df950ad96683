/**
 * The Workload seam: a seeded generator of operations, the op vocabulary a
 * system implements for it, and the checkers that judge its history.
 *
 * A workload describes the operations on one key (a register, a sequence,
 * a lock); the harness (harness/generators) decides how keys are shared out
 * among workers and rotated, how fast operations go, and when phases change.
 * Generators live here as types only, because the dependency arrows run from
 * harness to workloads and never back.
 */
import type { Random } from '../common/random.js';
import type { WorkloadName } from './names.js';

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
 * workload's vocabulary. invoke() calls back exactly once (possibly before it
 * returns), and never retries an operation that may have taken effect.
 * An ok outcome names the server that served it (`node`) when the client
 * knows, so the split-brain checker can attribute acknowledged writes.
 */
export interface WorkloadClient {
  invoke(request: OperationRequest, done: (outcome: OperationOutcome) => void): void;
  /** Drops the connection; the worker opens a fresh client after an info outcome. */
  close(): void;
  /**
   * Optional, for clients that learn things between operations (a lock
   * holder told its session expired): `wake` makes the worker's planned
   * operation go at once instead of at its planned time.
   */
  onWake?(wake: () => void): void;
  /** While true the worker runs its planned operations without their delays: it must act on what its client knows. */
  urgent?(): boolean;
}

export interface GeneratorContext {
  /** The asking worker's own random stream, so each worker's choices do not depend on the others' timing. */
  random: Random;
  /** Worker (slot) asking for its next operation, 0-based; stable for the whole run. */
  worker: number;
  /** The process the worker runs as now; a worker takes a fresh process after an info outcome. */
  process: number;
  /** Milliseconds since the run started, on the run's Scheduler. */
  nowMs: number;
}

/** An operation for the asking worker, to invoke after delayMs. */
export interface Invocation {
  request: OperationRequest;
  delayMs: number;
}

/**
 * What a generator says when a worker asks:
 * - an Invocation;
 * - 'pending': nothing for this worker now; ask again whenever the generator's
 *   state may have changed: an operation completed, or another worker was
 *   handed an operation or heard 'done';
 * - { pendingUntilMs }: the same, and ask again at that time at the latest;
 * - 'done': exhausted, for every worker, for good.
 */
export type Step = Invocation | 'pending' | { pendingUntilMs: number } | 'done';

export interface Completion {
  request: OperationRequest;
  outcome: OperationOutcome;
}

/**
 * Seeded and deterministic: the same random streams and the same order of
 * calls give the same operations. Protocol (what a worker does): ask with
 * next() only while the worker has no operation in flight; report the outcome
 * of each invocation with update() before asking again. One operation at a
 * time per worker, and so per process.
 */
export interface OperationGenerator {
  next(context: GeneratorContext): Step;
  /** The outcome of the last invocation handed to context.worker (context.process is the one that ran it). */
  update?(context: GeneratorContext, completion: Completion): void;
  /**
   * True while the worker is in the middle of something it must finish when
   * the run stops asking for more (a lock it holds, to let go): a time limit
   * still hands it those steps. Otherwise a holder cut off at the limit never
   * releases in the history, and a grant that completes while the run drains
   * looks like a second holder.
   */
  owes?(context: GeneratorContext): boolean;
}

export interface KeyOptions {
  /** Budget of one key: operations (for locks: acquires) before its workers move on to a fresh key. */
  operationsPerKey: number;
}

/** How a workload shares keys out, unless the run says otherwise. */
export interface KeyDefaults extends KeyOptions {
  /** Workers working on one key at once; the others work on other keys. */
  workersPerKey: number;
}

export interface Workload {
  name: WorkloadName;
  summary: string;
  /** The op names this workload's generator produces, for docs and for systems to check support. */
  functions: readonly string[];
  keyDefaults: KeyDefaults;
  /**
   * A fresh generator of the operations on one key. Requests carry no key:
   * the harness sets it. 'done' ends the key and its workers move to a fresh one.
   */
  keyGenerator(options: KeyOptions): OperationGenerator;
  /** After heal and recovery, on the keys the run used: e.g. reads of every key, so lost writes show. */
  finalOperations(keys: readonly string[]): OperationRequest[];
  /** Names of the checkers (in checkers/) that judge this workload's history. */
  checkers: readonly string[];
  /**
   * Checkers of state a system may record after recovery (final-ephemerals.json): they join
   * `checkers` in runs that recorded it, and only for workloads whose clients make that state.
   */
  recordedStateCheckers?: readonly string[];
}

export { WORKLOAD_NAMES, type WorkloadName } from './names.js';
export { WORKLOADS, workloadNamed } from './registry.js';
