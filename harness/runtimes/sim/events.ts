/**
 * What the scheduler queues. One mutable record type for every kind, pooled,
 * so the hot path (a message sent, a timer set) allocates nothing of its own.
 */
import type { Message } from '../../../clusters/coordinator/world.js';

export const EventKind = {
  deliver: 1,
  timer: 2,
  action: 3,
} as const;
export type EventKind = (typeof EventKind)[keyof typeof EventKind];

/** Codes mixed into the trace hash, one per kind of thing that happened. */
export const TraceCode = {
  deliver: 1,
  timer: 2,
  action: 3,
  dropLoss: 4,
  dropPartition: 5,
  dropCrashed: 6,
  dropUnroutable: 7,
  duplicate: 8,
  fault: 9,
  client: 10,
} as const;

export class SimulationEvent {
  kind: EventKind = EventKind.action;
  /** Index of the host the event happens on (receiver, timer owner); -1 for actions. */
  target = -1;
  /** Sender's host index, for deliveries. */
  source = -1;
  /** The target's incarnation when the event was made: a timer of a dead incarnation never fires. */
  incarnation = 0;
  message: Message | null = null;
  /** Hash of the message's content, computed while it was copied at send. */
  contentHash = 0;
  callback: (() => void) | null = null;
  timerHandle = 0;
  /** Where the timer's owner's monotonic clock must be when it fires, in ms. */
  deadlineMonotonicMs = 0;
  cancelled = false;
  label = '';
}

export class EventPool {
  private readonly free: SimulationEvent[] = [];

  acquire(): SimulationEvent {
    return this.free.pop() ?? new SimulationEvent();
  }

  release(event: SimulationEvent): void {
    event.message = null;
    event.callback = null;
    event.cancelled = false;
    event.label = '';
    // Bounded so a burst does not pin memory for the rest of the run.
    if (this.free.length < 65536) this.free.push(event);
  }
}
