/**
 * The run's workers: one per process slot, each pulling operations from the
 * workload's generator and invoking them through its client, on a Scheduler
 * (virtual time on the simulator). They belong to the harness, beside the
 * generators that plan a run; workloads keep pure generators and op
 * vocabularies. It follows the generator protocol of
 * workloads/index.ts exactly: one operation at a time per worker, update
 * before the next ask, a fresh process and client after info. Runs and tests
 * both drive workloads through it.
 *
 * A client may cut its worker's waits short (onWake, urgent): a lock holder
 * told its lock is gone must record the end of its hold when it knows, not
 * when its planned hold time is up.
 */
import assert from 'node:assert/strict';
import type { HistoryEvent } from '../../common/history/types.js';
import { SeededRandom } from '../../common/random.js';
import type { Scheduler } from '../runtimes/index.js';
import type { GeneratorContext, OperationGenerator, OperationOutcome, OperationRequest, WorkloadClient } from '../../workloads/index.js';

export type RecordedEvent = HistoryEvent & { node?: string };

export interface WorkerOptions {
  generator: OperationGenerator;
  concurrency: number;
  scheduler: Scheduler;
  /** Each worker draws from its own stream forked from this seed. */
  seed: number;
  /** A client for a worker's process; called again for the fresh process after an info outcome. */
  openClient(worker: number, process: number): WorkloadClient;
  /** Where events go as they happen; without it they are kept in `events`. */
  onEvent?(event: RecordedEvent): void;
  /** Asked before each invocation; false ends the worker (a bound on the history's size). */
  mayInvoke?(): boolean;
}

export interface WorkerRun {
  events: RecordedEvent[];
  /** True once every worker has heard 'done'. */
  finished(): boolean;
}

interface WorkerState {
  worker: number;
  process: number;
  client: WorkloadClient;
  random: SeededRandom;
  busy: boolean;
  waiting: boolean;
  done: boolean;
  /** When the worker's wake-up timer fires, if it has one; a timer for another time is stale. */
  wakeAtMs: number | undefined;
  /** The operation handed out and waiting for its planned time; gone once invoked. */
  planned: { request: OperationRequest } | undefined;
}

/** A worker's own random stream, forked from the workers' stream by its number. */
export function workerStream(workers: SeededRandom, worker: number): SeededRandom {
  return workers.fork(`worker ${worker}`);
}

/** Starts `concurrency` workers; run the scheduler to make progress. Processes are numbered from 0. */
export function startWorkers(options: WorkerOptions): WorkerRun {
  const pool = new WorkerPool(options);
  return { events: pool.events, finished: () => pool.finished() };
}

class WorkerPool {
  readonly events: RecordedEvent[] = [];
  private readonly workers: WorkerState[] = [];
  private nextProcess: number;
  private polling = false;
  private recorded = 0;

  constructor(private readonly options: WorkerOptions) {
    const master = new SeededRandom(options.seed);
    this.nextProcess = options.concurrency;
    for (let worker = 0; worker < options.concurrency; worker++) {
      const random = workerStream(master, worker);
      const client = options.openClient(worker, worker);
      const state: WorkerState = { worker, process: worker, client, random, busy: false, waiting: false, done: false, wakeAtMs: undefined, planned: undefined };
      this.workers.push(state);
      this.listen(state);
      options.scheduler.after(0, `worker ${worker}`, () => this.ask(state));
    }
  }

  finished(): boolean {
    return this.workers.every((state) => state.done);
  }

  /** Asks, then lets every waiting worker ask again until none makes progress: a generator's state may have changed. */
  private ask(state: WorkerState): void {
    this.askOnce(state);
    if (this.polling) return;
    this.polling = true;
    for (let progressed = true; progressed; ) {
      progressed = false;
      for (const other of this.workers) {
        if (!other.waiting) continue;
        this.askOnce(other);
        progressed ||= !other.waiting;
      }
    }
    this.polling = false;
  }

  private askOnce(state: WorkerState): void {
    const { generator, scheduler } = this.options;
    assert.ok(!state.busy && !state.done, `worker ${state.worker} asked while busy or done`);
    state.waiting = false;
    const step = this.options.mayInvoke?.() === false ? 'done' : generator.next(this.contextOf(state));
    if (step === 'done') {
      state.done = true;
    } else if (step === 'pending') {
      state.waiting = true;
    } else if ('pendingUntilMs' in step) {
      state.waiting = true;
      if (state.wakeAtMs === step.pendingUntilMs) return;
      state.wakeAtMs = step.pendingUntilMs;
      scheduler.after(wakeDelayMs(step.pendingUntilMs - scheduler.nowMs()), `worker ${state.worker}`, () => {
        if (state.wakeAtMs !== step.pendingUntilMs) return;
        state.wakeAtMs = undefined;
        if (state.waiting) this.ask(state);
      });
    } else {
      state.busy = true;
      const planned = { request: step.request };
      state.planned = planned;
      const delayMs = state.client.urgent?.() === true ? 0 : step.delayMs;
      scheduler.after(delayMs, `worker ${state.worker}`, () => this.fire(state, planned));
    }
  }

  /** Invokes the planned operation, once: its timer and a wake-up may both come. */
  private fire(state: WorkerState, planned: { request: OperationRequest }): void {
    if (state.planned !== planned) return;
    state.planned = undefined;
    this.invoke(state, planned.request);
  }

  private listen(state: WorkerState): void {
    const client = state.client;
    client.onWake?.(() => {
      const planned = state.planned;
      if (state.client !== client || planned === undefined) return;
      // On a fresh timer: the client calls from inside its own event handling.
      this.options.scheduler.after(0, `worker ${state.worker}`, () => this.fire(state, planned));
    });
  }

  private invoke(state: WorkerState, request: OperationRequest): void {
    this.record(state, request, 'invoke');
    let completed = false;
    state.client.invoke(request, (outcome) => {
      assert.ok(!completed, `a client completed ${request.f} twice`);
      completed = true;
      // A client may call back before invoke returns; completing on a fresh timer keeps the stack flat.
      this.options.scheduler.after(0, `worker ${state.worker}`, () => this.complete(state, request, outcome));
    });
  }

  private complete(state: WorkerState, request: OperationRequest, outcome: OperationOutcome): void {
    this.record(state, request, outcome.type, outcome);
    this.options.generator.update?.(this.contextOf(state), { request, outcome });
    if (outcome.type === 'info') {
      state.client.close();
      state.process = this.nextProcess++;
      state.client = this.options.openClient(state.worker, state.process);
      this.listen(state);
    }
    state.busy = false;
    this.ask(state);
  }

  private contextOf(state: WorkerState): GeneratorContext {
    return { random: state.random, worker: state.worker, process: state.process, nowMs: this.options.scheduler.nowMs() };
  }

  private record(state: WorkerState, request: OperationRequest, type: HistoryEvent['type'], outcome?: OperationOutcome): void {
    const time = Math.round(this.options.scheduler.nowMs() * 1e6);
    const event: RecordedEvent = { index: this.recorded, time, process: state.process, type, f: request.f };
    if (request.key !== undefined) event.key = request.key;
    const value = completionValue(request, outcome);
    if (value !== undefined) event.value = value;
    if (outcome !== undefined && outcome.type !== 'ok') event.error = outcome.error;
    if (outcome?.type === 'ok' && outcome.node !== undefined) event.node = outcome.node;
    if (this.options.onEvent === undefined) this.events.push(event);
    else this.options.onEvent(event);
    this.recorded += 1;
  }
}

/**
 * Rounds a wait up to whole microseconds. A wait shorter than the
 * scheduler's resolution (a rounding error of a few femtoseconds) would fire
 * at the same instant, the generator would ask to wait again, and the run
 * would spin forever without virtual time moving.
 */
function wakeDelayMs(delayMs: number): number {
  return delayMs <= 0 ? 0 : Math.ceil(delayMs * 1000) / 1000;
}

/** As in Jepsen: the argument on invoke; on completion the result when ok, else the argument. */
function completionValue(request: OperationRequest, outcome: OperationOutcome | undefined): unknown {
  if (outcome?.type === 'ok') return outcome.value ?? null;
  if (outcome?.type === 'fail' && outcome.value !== undefined) return outcome.value;
  return request.value;
}

/** A Scheduler whose virtual time a caller moves: the manual test scheduler, or a Simulation. */
export type RunnableScheduler = Scheduler & { run(untilMs: number): void };

/** Runs workers on a virtual clock until nothing is left to do, or untilMs. */
export function runWorkers<S extends RunnableScheduler>(options: WorkerOptions & { scheduler: S }, untilMs = Infinity): WorkerRun & { scheduler: S } {
  const run = startWorkers(options);
  options.scheduler.run(untilMs);
  return { ...run, scheduler: options.scheduler };
}
