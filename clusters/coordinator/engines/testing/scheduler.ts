/**
 * A seeded discrete-event queue in virtual milliseconds: the engines' tests
 * run a whole cluster in one process, reproducibly, much faster than real
 * time. Ties run in the order they were scheduled.
 */
import assert from 'node:assert/strict';

interface ScheduledEvent {
  atMs: number;
  sequence: number;
  action: () => void;
}

export class Scheduler {
  nowMs = 0;
  private sequence = 0;
  private readonly heap: ScheduledEvent[] = [];
  private readonly cancelled = new Set<number>();

  /** Returns an id that cancel() takes. */
  schedule(delayMs: number, action: () => void): number {
    assert.ok(Number.isFinite(delayMs) && delayMs >= 0, `bad delay ${delayMs}`);
    this.sequence += 1;
    this.push({ atMs: this.nowMs + delayMs, sequence: this.sequence, action });
    return this.sequence;
  }

  cancel(id: number): void {
    this.cancelled.add(id);
  }

  /** Runs the next event; false when none is left before untilMs. */
  step(untilMs: number): boolean {
    for (;;) {
      const next = this.heap[0];
      if (next === undefined || next.atMs > untilMs) return false;
      this.pop();
      if (this.cancelled.delete(next.sequence)) continue;
      assert.ok(next.atMs >= this.nowMs, 'time never runs backwards');
      this.nowMs = next.atMs;
      next.action();
      return true;
    }
  }

  private push(event: ScheduledEvent): void {
    const heap = this.heap;
    heap.push(event);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!earlier(heap[index] as ScheduledEvent, heap[parent] as ScheduledEvent)) break;
      [heap[index], heap[parent]] = [heap[parent] as ScheduledEvent, heap[index] as ScheduledEvent];
      index = parent;
    }
  }

  private pop(): void {
    const heap = this.heap;
    const last = heap.pop() as ScheduledEvent;
    if (heap.length === 0) return;
    heap[0] = last;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && earlier(heap[left] as ScheduledEvent, heap[smallest] as ScheduledEvent)) smallest = left;
      if (right < heap.length && earlier(heap[right] as ScheduledEvent, heap[smallest] as ScheduledEvent)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest] as ScheduledEvent, heap[index] as ScheduledEvent];
      index = smallest;
    }
  }
}

function earlier(left: ScheduledEvent, right: ScheduledEvent): boolean {
  return left.atMs < right.atMs || (left.atMs === right.atMs && left.sequence < right.sequence);
}
