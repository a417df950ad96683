/**
 * Group commit. The core calls storage.sync() before it sends anything that
 * depends on the write (a vote, an acknowledgement, a reply), and expects
 * sync() to be durable at once. Here sync() only seals; every message sent
 * after a sync waits in this outbox until an fdatasync has covered that
 * sync. The fdatasync runs off the event loop: while it runs, the node keeps
 * receiving and logging, and the syncs of one turn of the event loop share
 * the next fdatasync, which starts at once rather than after the one in
 * flight (a few may overlap), so a message waits for one fdatasync, not one
 * and a half. Nothing leaves the process before the state it announces is on disk.
 */
import type { Address, Message } from '../world.js';

export interface BackgroundFlushable {
  /** True when a sync() sealed changes that are not on disk yet. */
  readonly flushNeeded: boolean;
  flushInBackground(done: () => void): void;
}

/** Messages held at most; beyond it they are dropped, as a congested network would. */
const MAX_HELD_MESSAGES = 100_000;
/** fdatasyncs in flight at once; libuv's pool has four threads and the disk gains nothing past that. */
const MAX_FLUSHES_IN_FLIGHT = 3;

interface HeldMessage {
  to: Address;
  message: Message;
  /** The number of syncs that must be durable before it goes. */
  needsSyncs: number;
}

export class DurableOutbox {
  private held: HeldMessage[] = [];
  private syncCount = 0;
  private durableCount = 0;
  /** The highest sync count a flush has been started for. */
  private requestedCount = 0;
  private flushesInFlight = 0;
  private scheduled = false;
  private stopped = false;

  constructor(
    private readonly storage: BackgroundFlushable,
    private readonly deliver: (to: Address, message: Message) => void,
  ) {}

  send(to: Address, message: Message): void {
    if (this.stopped) return;
    if (this.held.length === 0 && this.durableCount === this.syncCount) return this.deliver(to, message);
    // Past the bound a message is lost, as the network may lose any message.
    if (this.held.length >= MAX_HELD_MESSAGES) return;
    this.held.push({ to, message, needsSyncs: this.syncCount });
  }

  /** Called after every storage.sync(). */
  synced(): void {
    // A sync that sealed nothing new (a heartbeat's) asks for nothing beyond the syncs before it.
    if (!this.storage.flushNeeded) return;
    this.syncCount += 1;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.held = [];
  }

  /** At the end of this turn of the event loop, so the syncs of every message that arrived together share one fdatasync. */
  private schedule(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startFlush();
    });
  }

  private startFlush(): void {
    if (this.stopped || this.requestedCount === this.syncCount || this.flushesInFlight >= MAX_FLUSHES_IN_FLIGHT) return;
    const covering = this.syncCount;
    this.requestedCount = covering;
    this.flushesInFlight += 1;
    this.storage.flushInBackground(() => {
      this.flushesInFlight -= 1;
      // Flushes may finish out of order; each covers every sync before it started.
      this.durableCount = Math.max(this.durableCount, covering);
      this.release();
      if (this.syncCount > this.requestedCount) this.schedule();
    });
  }

  private release(): void {
    let released = 0;
    while (released < this.held.length && (this.held[released] as HeldMessage).needsSyncs <= this.durableCount) released++;
    if (released === 0 || this.stopped) return;
    const ready = this.held.slice(0, released);
    this.held = this.held.slice(released);
    for (const { to, message } of ready) this.deliver(to, message);
  }
}
