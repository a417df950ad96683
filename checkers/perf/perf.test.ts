import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HistoryEvent, Operation } from '../../common/history/types.js';
import { eventsFromSpans, inputFromEvents, validated, type OperationSpan } from '../checker.js';
import { checkPerf, faultWindows, LatencySample, perfChecker } from './index.js';

function check(spans: OperationSpan[]) {
  return validated(perfChecker).check(inputFromEvents(eventsFromSpans(spans)), {});
}

/** Operations built directly, for sizes where building events would dominate the test. */
function operations(count: number, latencyMs: (position: number) => number): Operation[] {
  const built: Operation[] = [];
  for (let position = 0; position < count; position++) {
    const callTime = position * 1e6;
    built.push({
      id: position,
      process: position % 50,
      f: position % 2 === 0 ? 'read' : 'write',
      input: null,
      output: null,
      status: 'ok',
      callIndex: 2 * position,
      returnIndex: 2 * position + 1,
      callTime,
      returnTime: callTime + latencyMs(position) * 1e6,
    });
  }
  return built;
}

describe('perf', () => {
  it('gives exact nearest-rank percentiles, overall and per function', () => {
    const spans: OperationSpan[] = [];
    for (let latency = 1; latency <= 100; latency++) {
      spans.push({ process: latency, f: latency <= 50 ? 'read' : 'write', callSeconds: latency, returnSeconds: latency + latency / 1000 });
    }
    const result = check(spans);
    assert.equal(result.valid, true);
    const overall = result.latency!.overall!;
    assert.deepEqual([overall.count, overall.p50Ms, overall.p90Ms, overall.p99Ms, overall.maxMs], [100, 50, 90, 99, 100]);
    assert.equal(overall.sampled, false);
    assert.equal(result.latency!.byFunction.read!.maxMs, 50);
    assert.equal(result.latency!.byFunction.write!.p50Ms, 75);
    assert.equal(result.stats.latencyP99Ms, 99);
  });

  it('measures availability and latency inside and outside fault windows', () => {
    const spans: OperationSpan[] = [
      { process: 1, f: 'read', callSeconds: 1, returnSeconds: 1.01 },
      { process: 'nemesis', f: 'start-partition', callSeconds: 9.9, returnSeconds: 10, type: 'info', value: { groups: [['n1'], ['n2', 'n3']] } },
      { process: 2, f: 'read', callSeconds: 11, returnSeconds: 11.5 },
      { process: 3, f: 'write', callSeconds: 12, returnSeconds: 12.5 },
      { process: 4, f: 'write', callSeconds: 13, returnSeconds: 14, type: 'fail' },
      { process: 5, f: 'write', callSeconds: 15, returnSeconds: 25, type: 'info' },
      { process: 'nemesis', f: 'stop-partition', callSeconds: 20, returnSeconds: 20.1, type: 'info' },
      { process: 6, f: 'read', callSeconds: 21, returnSeconds: 21.02 },
    ];
    const result = check(spans);
    const [partition] = result.faults!;
    assert.equal(partition!.fault, 'partition');
    assert.deepEqual(partition!.value, { groups: [['n1'], ['n2', 'n3']] });
    assert.deepEqual([partition!.fromSeconds, partition!.toSeconds], [10, 20]);
    assert.deepEqual([partition!.invoked, partition!.ok, partition!.fail, partition!.info], [4, 2, 1, 1]);
    assert.equal(partition!.availability, 0.5);
    assert.equal(partition!.latency!.count, 3);
    assert.equal(result.outsideFaults!.availability, 1);
    assert.equal(result.outsideFaults!.latency!.maxMs, 20);
    assert.equal(result.stats.availabilityDuringFaults, 0.5);
    assert.equal(result.stats.faultWindows, 1);
  });

  it('counts ok operations per second bucket', () => {
    const result = check([
      { process: 1, f: 'read', callSeconds: 0.1, returnSeconds: 0.2 },
      { process: 2, f: 'read', callSeconds: 0.3, returnSeconds: 0.4 },
      { process: 3, f: 'read', callSeconds: 2.1, returnSeconds: 2.2 },
      { process: 4, f: 'read', callSeconds: 2.3, returnSeconds: 3.9, type: 'fail' },
    ]);
    assert.deepEqual(result.throughput!.buckets, [
      { fromSeconds: 0, ok: 2 },
      { fromSeconds: 1, ok: 0 },
      { fromSeconds: 2, ok: 1 },
    ]);
    assert.equal(result.throughput!.okPerSecond, 3 / 3.8);
  });

  it('keeps a fault never stopped open to the end, and reads bare start and stop', () => {
    const events: HistoryEvent[] = [
      { index: 0, time: 1e9, process: 'nemesis', type: 'info', f: 'start', value: 'kill n1' },
      { index: 1, time: 2e9, process: 'nemesis', type: 'info', f: 'stop' },
      { index: 2, time: 3e9, process: 'nemesis', type: 'invoke', f: 'start-pause' },
    ];
    assert.deepEqual(faultWindows(events), [
      { fault: 'fault', value: 'kill n1', from: 1e9, to: 2e9 },
      { fault: 'pause', value: null, from: 3e9, to: Infinity },
    ]);
  });

  it('samples past its bound, repeatably, with the count and maximum exact', () => {
    const summarize = () => {
      const sample = new LatencySample('test', 1000);
      for (let position = 0; position < 20_000; position++) sample.add(((position * 7919) % 20_000) + 1);
      return sample.summary()!;
    };
    const summary = summarize();
    assert.equal(summary.sampled, true);
    assert.equal(summary.count, 20_000);
    assert.equal(summary.maxMs, 20_000);
    assert.ok(Math.abs(summary.p50Ms - 10_000) < 1_000, `p50 ${summary.p50Ms}`);
    assert.deepEqual(summarize(), summary);
  });

  it('is unknown when the history has no times', () => {
    const events: HistoryEvent[] = [
      { index: 0, process: 1, type: 'invoke', f: 'read' },
      { index: 1, process: 1, type: 'ok', f: 'read' },
    ];
    const result = checkPerf(inputFromEvents(events));
    assert.equal(result.valid, 'unknown');
    assert.match(result.reason ?? '', /no times/);
  });

  it('measures a million operations in well under a second', () => {
    const input = { operations: operations(1_000_000, (position) => (position % 1000) / 10), events: [] };
    const started = performance.now();
    const result = checkPerf(input);
    const elapsedMs = performance.now() - started;
    assert.equal(result.latency!.overall!.count, 1_000_000);
    assert.equal(result.latency!.overall!.sampled, true);
    assert.ok(Math.abs(result.latency!.overall!.p50Ms - 50) < 1);
    // Generous for loaded CI machines; on an idle one this takes a few hundred milliseconds.
    assert.ok(elapsedMs < 2_000, `took ${elapsedMs} ms`);
  });
});
