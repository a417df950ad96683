/**
 * The one manual Scheduler for tests (and only tests): virtual time that
 * moves only when the test runs it, timers in time order, ties in the order
 * they were set. A whole simulated run uses the Simulation instead
 * (harness/runtimes/sim/); this is for a unit under test that needs a clock
 * and nothing else: workers against an in-memory system, a nemesis schedule,
 * one engine with scripted peers.
 */
import assert from 'node:assert/strict';
import type { Scheduler } from '../../harness/runtimes/index.js';

interface ScheduledEvent {
  atMs: number;
  id: number;
  action: () => void;
}

export class ManualScheduler implements Scheduler {
  private timeMs = 0;
  private lastId = 0;
  private readonly heap: ScheduledEvent[] = [];
  private readonly cancelled = new Set<number>();

  nowMs(): number {
    return this.timeMs;
  }

  after(delayMs: number, _label: string, action: () => void): void {
    this.schedule(delayMs, action);
  }

  /** As after(), returning an id that cancel() takes (a World clock's timer handle). */
  schedule(delayMs: number, action: () => void): number {
    assert.ok(Number.isFinite(delayMs) && delayMs >= 0, `bad delay ${delayMs}`);
    this.lastId += 1;
    this.push({ atMs: this.timeMs + delayMs, id: this.lastId, action });
    return this.lastId;
  }

  cancel(id: number): void {
    this.cancelled.add(id);
  }

  /** Timers set and neither run nor cancelled. */
  pending(): number {
    return this.heap.filter((event) => !this.cancelled.has(event.id)).length;
  }

  /** Runs the next timer due by untilMs; false when none is. */
  step(untilMs = Infinity): boolean {
    for (;;) {
      const next = this.heap[0];
      if (next === undefined || next.atMs > untilMs) return false;
      this.pop();
      if (this.cancelled.delete(next.id)) continue;
      assert.ok(next.atMs >= this.timeMs, 'time never runs backwards');
      this.timeMs = next.atMs;
      next.action();
      return true;
    }
  }

  /** Runs every timer due by untilMs (all of them, by default), then sets the time to untilMs when it is finite. */
  run(untilMs = Infinity): void {
    while (this.step(untilMs));
    if (Number.isFinite(untilMs)) this.timeMs = Math.max(this.timeMs, untilMs);
  }

  private push(event: ScheduledEvent): void {
    const heap = this.heap;
    heap.push(event);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!earlier(heap[index]!, heap[parent]!)) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && earlier(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && earlier(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  }
}

function earlier(left: ScheduledEvent, right: ScheduledEvent): boolean {
  return left.atMs < right.atMs || (left.atMs === right.atMs && left.id < right.id);
}
