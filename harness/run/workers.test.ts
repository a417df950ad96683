/**
 * The worker loop's answer to a client that learns something between
 * operations: a wake-up runs the planned operation at once, and an urgent
 * client's next operations go without their planned delays.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OperationGenerator, OperationOutcome, OperationRequest, Step, WorkloadClient } from '../../workloads/index.js';
import { startWorkers, type RecordedEvent } from './workers.js';
import { ManualScheduler } from '../../common/testing/manual-scheduler.js';

/** One worker's planned steps, each after its delay. */
function plannedSteps(steps: Array<[f: string, delayMs: number]>): OperationGenerator {
  const queue = [...steps];
  return {
    next(): Step {
      const next = queue.shift();
      return next === undefined ? 'done' : { request: { f: next[0], value: null }, delayMs: next[1] };
    },
  };
}

/** A client that answers ok at once and can be made urgent and wake its worker. */
class WakingClient implements WorkloadClient {
  urgentNow = false;
  wake: (() => void) | undefined;

  invoke(_request: OperationRequest, done: (outcome: OperationOutcome) => void): void {
    done({ type: 'ok', value: null });
  }

  close(): void {}

  onWake(wake: () => void): void {
    this.wake = wake;
  }

  urgent(): boolean {
    return this.urgentNow;
  }
}

function invokeTimes(events: readonly RecordedEvent[]): Array<[string, number]> {
  return events.filter((event) => event.type === 'invoke').map((event) => [event.f, (event.time ?? 0) / 1e6]);
}

describe('workers and clients that wake them', () => {
  it('runs the planned operation when its client wakes the worker, once, and later ones as planned', () => {
    const scheduler = new ManualScheduler();
    const client = new WakingClient();
    const generator = plannedSteps([['enter', 0], ['exit', 1000], ['release', 50]]);
    const run = startWorkers({ generator, concurrency: 1, scheduler, seed: 1, openClient: () => client });
    assert.ok(client.wake !== undefined, 'the driver listens to the client');
    scheduler.after(10, 'test', () => client.wake!());
    scheduler.run(Infinity);
    assert.ok(run.finished());
    assert.deepEqual(invokeTimes(run.events), [['enter', 0], ['exit', 10], ['release', 60]]);
  });

  it('drops the planned delays while the client is urgent', () => {
    const scheduler = new ManualScheduler();
    const client = new WakingClient();
    const generator = plannedSteps([['enter', 0], ['exit', 1000], ['release', 50]]);
    const run = startWorkers({ generator, concurrency: 1, scheduler, seed: 1, openClient: () => client });
    scheduler.after(10, 'test', () => {
      client.urgentNow = true;
      client.wake!();
    });
    scheduler.run(Infinity);
    assert.deepEqual(invokeTimes(run.events), [['enter', 0], ['exit', 10], ['release', 10]]);
  });

  it('ignores a wake-up with nothing planned, and one from a client the worker no longer uses', () => {
    const scheduler = new ManualScheduler();
    const clients: WakingClient[] = [];
    let infoSent = false;
    const generator = plannedSteps([['acquire', 0], ['acquire', 500]]);
    const openClient = (): WorkloadClient => {
      const client = new WakingClient();
      clients.push(client);
      if (clients.length === 1) {
        // The first process's acquire ends info: the worker goes on as a fresh process with a fresh client.
        client.invoke = (_request, done) => {
          infoSent = true;
          done({ type: 'info', error: 'timeout' });
        };
      }
      return client;
    };
    const run = startWorkers({ generator, concurrency: 1, scheduler, seed: 1, openClient });
    scheduler.run(100);
    assert.ok(infoSent && clients.length === 2);
    clients[0]!.wake!();
    scheduler.run(200);
    assert.deepEqual(invokeTimes(run.events), [['acquire', 0]], 'the old client cannot hurry the fresh process');
    scheduler.run(Infinity);
    assert.deepEqual(invokeTimes(run.events), [['acquire', 0], ['acquire', 500]]);
    clients[1]!.wake!();
    scheduler.run(Infinity);
    assert.equal(run.events.length, 4, 'nothing planned, nothing invoked');
  });
});
